// MnemoLite just before its halfvec change (Alembic b7c2e4f8a901), at a real size, and a writer
// inserting beside the migration: what bench/halfvec-at-scale.ts and bench/replica-lag.ts both take.
// BENCH_CODE_CHUNKS (60000) and BENCH_MEMORIES (20000) size the tables.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PROJECT_ROOT } from './tools.ts';

export const CODE_CHUNKS = Number(process.env.BENCH_CODE_CHUNKS ?? 60_000);
export const MEMORIES = Number(process.env.BENCH_MEMORIES ?? 20_000);
const WRITER_INTERVAL_MS = 50;
const SHIPPED = join(PROJECT_ROOT, 'migrations');

/** A migrations directory holding the shipped chain up to and including `last`. */
function chainThrough(last: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-halfvec-'));
  for (const file of readdirSync(SHIPPED)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    if (file.replace(/\.ts$/, '') > last) break;
    cpSync(join(SHIPPED, file), join(dir, file));
  }
  return dir;
}

export const BEFORE_HALFVEC = chainThrough('20251020000022000_edges-external-index'); // Alembic a40a6de7d379 + hand-run SQL
export const THROUGH_HALFVEC = chainThrough('20260326000004000_memories-embedding-half-hnsw'); // b7c2e4f8a901

/** Removes the two chains' directories. */
export function removeChains(): void {
  for (const dir of [BEFORE_HALFVEC, THROUGH_HALFVEC]) rmSync(dir, { recursive: true, force: true });
}

const RANDOM_VECTOR = '(SELECT array_agg(random()::real) FROM generate_series(1, 768) WHERE g > 0)::vector(768)';

type Sql = (database: string, text: string) => Promise<Record<string, unknown>[]>;

// MnemoLite just before the halfvec revision: the chain applied to empty tables, then the rows loaded with the
// HNSW indexes set aside and built again from their own definitions (inserting 60,000 rows into two HNSW indexes
// one by one takes far longer than building them).
export async function buildTemplate(
  template: string,
  sql: Sql,
  up: (database: string, migrationsDir: string) => Promise<unknown>,
): Promise<void> {
  await sql('postgres', `CREATE DATABASE ${template}`);
  await up(template, BEFORE_HALFVEC);
  const hnsw = (await sql(
    template,
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'hnsw'`,
  )) as { name: string; definition: string }[];
  for (const index of hnsw) await sql(template, `DROP INDEX ${index.name}`);
  await sql(
    template,
    `INSERT INTO code_chunks (file_path, language, chunk_type, name, source_code, metadata, embedding_text, embedding_code)
     SELECT 'src/file_' || (g % 500) || '.py', 'python', 'function', 'fn_' || g, 'def fn_' || g || '(): pass',
            jsonb_build_object('content_hash', md5('def fn_' || g || '(): pass')),
            ${RANDOM_VECTOR}, ${RANDOM_VECTOR.replace('g > 0', 'g > -1')}
       FROM generate_series(1, ${CODE_CHUNKS}) g`,
  );
  await sql(
    template,
    `INSERT INTO memories (title, content, embedding)
     SELECT 'memory ' || g, 'content of memory ' || g, ${RANDOM_VECTOR} FROM generate_series(1, ${MEMORIES}) g`,
  );
  for (const index of hnsw)
    await sql(
      template,
      `SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 1; ${index.definition}`,
    );
  await sql(template, 'VACUUM ANALYZE');
}

/** Inserts a code chunk every 50 ms (or as soon as the previous one returns), and keeps the longest wait. */
export function startWriter(url: string) {
  const client = new pg.Client({ connectionString: url, application_name: 'bench writer' });
  let stopped = false;
  let longestMs = 0;
  let inserts = 0;
  let warmed = () => {};
  const warm = new Promise<void>((resolve) => (warmed = resolve));
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const vector = `[${Array.from({ length: 768 }, () => Math.random().toFixed(6)).join(',')}]`;
      const began = performance.now();
      await client.query(
        `INSERT INTO code_chunks (file_path, language, chunk_type, source_code, embedding_text, embedding_code)
         VALUES ('src/live.py', 'python', 'function', 'def live(): pass', $1, $1)`,
        [vector],
      );
      const took = performance.now() - began;
      if (inserts >= 3) longestMs = Math.max(longestMs, took);
      if (++inserts === 3) warmed();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, WRITER_INTERVAL_MS - took)));
    }
    await client.end();
  })();
  return {
    warm,
    async stop() {
      stopped = true;
      await loop;
      return { longestMs, inserts };
    },
  };
}

/** A process to its end: its exit code and what it wrote on stderr (the runner's log). */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
