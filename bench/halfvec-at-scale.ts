// MnemoLite's halfvec change (Alembic b7c2e4f8a901) on tables of a real size, taken two ways on
// the same server while a writer inserts into code_chunks every 50 ms:
//   (a) as the revision does it: one transaction, a full-table UPDATE, plain CREATE INDEX;
//   (b) by this project's chain (halfvec-columns … memories-embedding-half-hnsw), `up` as shipped.
// Each way runs on its own copy of one template database, under two server settings: this
// project's compose.yaml (PostgreSQL's defaults, shm_size 1g) and MnemoLite's maintenance_work_mem=256MB.
//   node bench/halfvec-at-scale.ts   (after npm run build; BENCH_PG_IMAGE or TEST_PG_IMAGE names the image)
// BENCH_CODE_CHUNKS (60000) and BENCH_MEMORIES (20000) size the tables; BENCH_SETTINGS (compose,256MB) picks
// the server settings and BENCH_WAYS (a,b) the ways. Prints a Markdown table, and on stderr where each way spent its time.
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import pg from 'pg';
import {
  buildTemplate,
  CODE_CHUNKS,
  MEMORIES,
  removeChains,
  run,
  startWriter,
  THROUGH_HALFVEC,
} from './halfvec-data.ts';
import { describeMachine } from './machine.ts';
import { OUR_CLI, pgImage } from './tools.ts';

const IMAGE = pgImage();
const SETTINGS = (process.env.BENCH_SETTINGS ?? 'compose,256MB').split(',');
const WAYS = (process.env.BENCH_WAYS ?? 'a,b').split(',');

// The revision's operations, in its order, in one transaction (Alembic's default).
const ALEMBIC_WAY = [
  'ALTER TABLE code_chunks ADD COLUMN embedding_text_half halfvec(768), ADD COLUMN embedding_code_half halfvec(768)',
  'UPDATE code_chunks SET embedding_text_half = embedding_text::halfvec(768) WHERE embedding_text IS NOT NULL',
  'UPDATE code_chunks SET embedding_code_half = embedding_code::halfvec(768) WHERE embedding_code IS NOT NULL',
  'CREATE INDEX idx_code_emb_text_half ON code_chunks USING hnsw (embedding_text_half halfvec_cosine_ops) WITH (m = 16, ef_construction = 128)',
  'CREATE INDEX idx_code_emb_code_half ON code_chunks USING hnsw (embedding_code_half halfvec_cosine_ops) WITH (m = 16, ef_construction = 128)',
  `CREATE FUNCTION sync_halfvec_embeddings() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
     IF NEW.embedding_text IS NOT NULL THEN NEW.embedding_text_half := NEW.embedding_text::halfvec(768); END IF;
     IF NEW.embedding_code IS NOT NULL THEN NEW.embedding_code_half := NEW.embedding_code::halfvec(768); END IF;
     RETURN NEW; END $$`,
  `CREATE TRIGGER trg_sync_halfvec_embeddings BEFORE INSERT OR UPDATE OF embedding_text, embedding_code ON code_chunks
     FOR EACH ROW EXECUTE FUNCTION sync_halfvec_embeddings()`,
  'ALTER TABLE memories ADD COLUMN embedding_half halfvec(768)',
  'UPDATE memories SET embedding_half = embedding::halfvec(768) WHERE embedding IS NOT NULL',
  'CREATE INDEX idx_memories_embedding_half ON memories USING hnsw (embedding_half halfvec_cosine_ops) WITH (m = 16, ef_construction = 128)',
  `CREATE FUNCTION sync_memory_halfvec() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
     IF NEW.embedding IS NOT NULL THEN NEW.embedding_half := NEW.embedding::halfvec(768); END IF;
     RETURN NEW; END $$`,
  `CREATE TRIGGER trg_sync_memory_halfvec BEFORE INSERT OR UPDATE OF embedding ON memories
     FOR EACH ROW EXECUTE FUNCTION sync_memory_halfvec()`,
];

interface Outcome {
  setting: string;
  way: string;
  seconds: number;
  longestStallS: number;
  inserts: number;
  notes: string;
}

/** Where a way spent its time: one entry per statement (a) or migration (b). */
type Profile = { step: string; seconds: number }[];

const container = await new PostgreSqlContainer(IMAGE)
  .withSharedMemorySize(1024 ** 3) // compose.yaml's shm_size: 1g, as MnemoLite's
  .withCommand(['postgres', '-c', 'max_connections=100'])
  .start();
const admin = container.getConnectionUri();
const urlFor = (database: string) => {
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return url.href;
};
const sql = async (database: string, text: string) => {
  const client = new pg.Client({ connectionString: urlFor(database) });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
};

try {
  const started = performance.now();
  await buildTemplate('halfvec_template', sql, up);
  console.error(`template ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const outcomes: Outcome[] = [];
  for (const [setting, value] of [
    ["this project's compose.yaml (maintenance_work_mem 64MB, the default)", 'compose'],
    ["MnemoLite's compose (maintenance_work_mem 256MB)", '256MB'],
  ] as const) {
    if (!SETTINGS.includes(value)) continue;
    await sql(
      'postgres',
      value === 'compose'
        ? 'ALTER SYSTEM RESET maintenance_work_mem'
        : `ALTER SYSTEM SET maintenance_work_mem = '${value}'`,
    );
    await sql('postgres', 'SELECT pg_reload_conf()');
    if (WAYS.includes('a'))
      outcomes.push({ setting, way: '(a) Alembic b7c2e4f8a901', ...(await measure('bench_a', alembicWay)) });
    if (WAYS.includes('b'))
      outcomes.push({ setting, way: '(b) this chain, `up`', ...(await measure('bench_b', chainWay)) });
  }
  report(outcomes);
} finally {
  await container.stop();
  removeChains();
}

async function up(database: string, migrationsDir: string): Promise<{ ms: number; stderr: string }> {
  const started = performance.now();
  const { code, stderr } = await run(process.execPath, [OUR_CLI, 'up'], {
    PATH: process.env.PATH,
    DATABASE_URL: urlFor(database),
    MIGRATIONS_DIR: migrationsDir,
    LOG_FORMAT: 'json',
  });
  if (code !== 0) throw new Error(`up on ${database} exited ${code}:\n${stderr}`);
  return { ms: performance.now() - started, stderr };
}

async function alembicWay(database: string): Promise<{ notes: string; profile: Profile }> {
  const client = new pg.Client({ connectionString: urlFor(database) });
  const profile: Profile = [];
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const statement of ALEMBIC_WAY) {
      const started = performance.now();
      await client.query(statement);
      profile.push({
        step: statement.replace(/\s+/g, ' ').slice(0, 90),
        seconds: (performance.now() - started) / 1000,
      });
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
  return { notes: 'one transaction: code_chunks and memories locked (ACCESS EXCLUSIVE) throughout', profile };
}

async function chainWay(database: string): Promise<{ notes: string; profile: Profile }> {
  const { stderr } = await up(database, THROUGH_HALFVEC);
  const lines = stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const sized = lines.filter((line) => line.method === 'hnsw') as {
    maintenance_work_mem_kb: number;
    parallel_workers: number;
  }[];
  const profile = lines
    .filter((line) => typeof line.duration_ms === 'number' && String(line.msg).startsWith('applied'))
    .map((line) => ({ step: String(line.migration), seconds: (line.duration_ms as number) / 1000 }));
  return {
    notes: `HNSW builds at ${sized.map((s) => `${s.maintenance_work_mem_kb / 1024}MB`).join(', ')}, ${sized[0]?.parallel_workers ?? '?'} worker(s)`,
    profile,
  };
}

/** Runs `way` on a fresh copy of the template while the writer inserts, then checks the result is whole. */
async function measure(database: string, way: (database: string) => Promise<{ notes: string; profile: Profile }>) {
  await sql('postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await sql('postgres', `CREATE DATABASE ${database} TEMPLATE halfvec_template STRATEGY FILE_COPY`);
  const writer = startWriter(urlFor(database));
  await writer.warm;
  const started = performance.now();
  const { notes, profile } = await way(database);
  const ms = performance.now() - started;
  const { longestMs, inserts } = await writer.stop();
  // HOT updates add no index entries; the others add one to every index of the table, HNSW ones included
  const updates = await sql(
    database,
    `SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname IN ('code_chunks', 'memories') ORDER BY relname`,
  );
  const [check] = await sql(
    database,
    `SELECT (SELECT count(*) FROM code_chunks WHERE embedding_text_half IS NULL OR embedding_code_half IS NULL)::int AS unfilled,
            (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
              WHERE c.relname IN ('idx_code_emb_text_half', 'idx_code_emb_code_half', 'idx_memories_embedding_half') AND i.indisvalid)::int AS indexes`,
  );
  if (check.unfilled !== 0 || check.indexes !== 3)
    throw new Error(`${database}: incomplete (${JSON.stringify(check)})`);
  await sql('postgres', `DROP DATABASE ${database} WITH (FORCE)`);
  console.error(`${database}: ${(ms / 1000).toFixed(1)} s, longest writer wait ${(longestMs / 1000).toFixed(2)} s`);
  for (const { step, seconds } of profile) console.error(`  ${seconds.toFixed(1).padStart(7)} s  ${step}`);
  for (const u of updates) console.error(`  ${u.relname}: ${u.n_tup_upd} row updates, ${u.n_tup_hot_upd} of them HOT`);
  return { seconds: ms / 1000, longestStallS: longestMs / 1000, inserts, notes };
}

function report(outcomes: Outcome[]): void {
  const machine = describeMachine();
  console.log(
    `MnemoLite halfvec at scale: code_chunks ${CODE_CHUNKS} rows, memories ${MEMORIES} rows, vector(768); ${IMAGE}; ` +
      `${machine.cpus} × ${machine.cpuModel}, ${machine.memory}; Node ${machine.node}; ${machine.commit}\n`,
  );
  console.log('| server setting | way | wall s | (b) / (a) | writer: longest wait s | writer inserts | notes |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [i, o] of outcomes.entries()) {
    const a = outcomes[i - 1];
    const ratio = o.way.startsWith('(b)') && a?.way.startsWith('(a)') ? (o.seconds / a.seconds).toFixed(2) : '';
    console.log(
      `| ${o.setting} | ${o.way} | ${o.seconds.toFixed(1)} | ${ratio} | ${o.longestStallS.toFixed(2)} | ${o.inserts} | ${o.notes} |`,
    );
  }
}
