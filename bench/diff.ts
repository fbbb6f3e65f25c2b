// What `diff` costs and what it proves, as wall time of the process:
//  1. against the whole chain: a dev database at the chain's head plus a change (a table, a column,
//     an index on an existing table), `diff` into a fresh copy of the migrations, BENCH_RUNS times;
//  2. MnemoLite's ten Alembic revisions from b7c2e4f8a901: the chain cut before the migrations that
//     stand for each, `diff --from` the real database at that revision (test/fixtures/mnemolite/),
//     then `lint`, the cut chain plus the new migrations from empty against the real catalog, and
//     `down` over them against the cut point's catalog.
// Prints only.   npm run build && node bench/diff.ts   (BENCH_RUNS=5, BENCH_DATABASE_URL or BENCH_PG_IMAGE)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { compareCatalogs } from '../src/chain/expected-catalog.ts';
import { CATALOG_LISTING } from '../src/database/catalog-listing.ts';
import { restoreState } from '../test/support/mnemolite-fixtures.ts';
import { REVISIONS } from '../test/support/mnemolite-revisions.ts';
import { describeMachine } from './machine.ts';
import { startPostgres } from './postgres-server.ts';
import { median } from './stats.ts';
import { OUR_CLI } from './tools.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SHIPPED = new URL('../migrations', import.meta.url).pathname;

const cli = (args: string[], env: Record<string, string>) => {
  const started = performance.now();
  const result = spawnSync(process.execPath, [OUR_CLI, ...args], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'error', ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  return { seconds: (performance.now() - started) / 1000, stdout: result.stdout };
};
// the runner's own listing, as `verify` reads it (the ledger left out)
const catalogOf = async (url: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`begin read only; select pg_catalog.set_config('search_path', '', true)`);
    return (await client.query<{ line: string }>(CATALOG_LISTING, ['public', 'pgmigrations'])).rows.map((r) => r.line);
  } finally {
    await client.end();
  }
};
const linesDiffering = async (a: string, b: string) => {
  const c = compareCatalogs(await catalogOf(a), await catalogOf(b));
  return c.missing.length + c.different.length + c.extra.length;
};
const scratchDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

const server = await startPostgres();
try {
  const machine = describeMachine();
  console.log(
    `${server.description}; ${machine.cpus} × ${machine.cpuModel}; Node ${machine.node}; ${machine.commit}\n`,
  );

  const dev = await server.createDatabase('bench_diff_dev');
  const scratch = await server.createDatabase('bench_diff_scratch');
  cli(['up'], { DATABASE_URL: dev, MIGRATIONS_DIR: SHIPPED });
  await server.query(
    'bench_diff_dev',
    `CREATE TABLE notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), memory_id uuid NOT NULL REFERENCES memories (id), body text NOT NULL);
     ALTER TABLE memories ADD COLUMN priority integer NOT NULL DEFAULT 0;
     CREATE INDEX idx_memories_priority ON memories (priority)`,
  );
  const chain = readdirSync(SHIPPED).filter((f) => /^\d{17}_/.test(f)).length;
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const dir = scratchDir('bench-diff-');
    cpSync(SHIPPED, dir, { recursive: true });
    times.push(cli(['diff', 'notes', '--from', dev], { DATABASE_URL: scratch, MIGRATIONS_DIR: dir }).seconds);
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = times.toSorted((a, b) => a - b);
  console.log(
    `diff against the ${chain}-migration chain (a table, a column, an index): median ${median(times).toFixed(2)} s, min ${sorted[0]!.toFixed(2)} s, max ${sorted.at(-1)!.toFixed(2)} s over ${RUNS} runs\n`,
  );

  console.log(
    '| revision | migrations written | lint | from empty vs the real catalog | down vs the cut point | diff |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const [revision, first] of REVISIONS) {
    const real = await server.createDatabase('bench_diff_real');
    const empty = await server.createDatabase('bench_diff_empty');
    const atCut = await server.createDatabase('bench_diff_cut');
    const dir = scratchDir('bench-diff-cut-');
    for (const file of readdirSync(SHIPPED).filter((f) => /^\d{17}_.*\.ts$/.test(f) && f < first))
      symlinkSync(join(SHIPPED, file), join(dir, file));
    const cut = readdirSync(dir).length;
    await restoreState(real, revision);
    cli(['up'], { DATABASE_URL: atCut, MIGRATIONS_DIR: dir });
    const made = cli(['diff', `alembic-${revision.replace('_', '-')}`, '--from', real, '--json'], {
      DATABASE_URL: scratch,
      MIGRATIONS_DIR: dir,
    });
    const { migrations } = JSON.parse(made.stdout) as { migrations: { name: string; transaction: boolean }[] };
    const lint = spawnSync(process.execPath, [OUR_CLI, 'lint'], {
      env: { PATH: process.env.PATH, MIGRATIONS_DIR: dir },
      encoding: 'utf8',
    });
    const findings = /(\d+) findings/.exec(lint.stdout + lint.stderr)?.[1];
    cli(['up'], { DATABASE_URL: empty, MIGRATIONS_DIR: dir });
    const upDiffers = await linesDiffering(real, empty);
    cli(['down', '--count', String(migrations.length), '--yes'], { DATABASE_URL: empty, MIGRATIONS_DIR: dir });
    const downDiffers = await linesDiffering(atCut, empty);
    const concurrent = migrations.filter((m) => !m.transaction).length;
    console.log(
      `| ${revision} | ${migrations.length} (${concurrent} CONCURRENTLY) | ${findings} findings (exit ${lint.status}) | ${upDiffers} lines differ | ${downDiffers} lines differ | ${made.seconds.toFixed(2)} s (cut: ${cut}) |`,
    );
    rmSync(dir, { recursive: true, force: true });
    for (const name of ['bench_diff_real', 'bench_diff_empty', 'bench_diff_cut']) await server.dropDatabase(name);
  }
} finally {
  await server.stop();
}
