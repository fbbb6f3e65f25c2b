// Index builds get their memory and workers in the migrating session only: read back from
// pg_settings by the migration itself, right after its build, on a real server with pgvector.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildMemory } from '../../src/sql/build-memory.ts';
import { runCli } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { migrationsDir } from '../support/migrations-dir.ts';

const ROWS = 1000;
// what each migration saw in its own session, right after its statements
const SEEN = `INSERT INTO seen SELECT current_setting('mnemo.step'), name, setting FROM pg_settings
  WHERE name IN ('maintenance_work_mem', 'max_parallel_maintenance_workers');`;

const dir = migrationsDir(
  {
    '2027000000000_table.sql': `-- Up Migration
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE seen (step text, name text, setting text);
CREATE TABLE items (id int PRIMARY KEY, e halfvec(768));
INSERT INTO items SELECT g, (SELECT array_agg(random()) FROM generate_series(1, 768) WHERE g > 0)::halfvec(768)
  FROM generate_series(1, ${ROWS}) g;
ANALYZE items;
`,
    '2027000001000_hnsw.sql': `-- Up Migration
CREATE INDEX items_e_hnsw ON items USING hnsw (e halfvec_cosine_ops) WITH (m = 16, ef_construction = 32);
SET mnemo.step = 'hnsw'; ${SEEN}
`,
    '2027000002000_btree.sql': `-- Up Migration
CREATE INDEX items_e_null ON items (id) WHERE e IS NULL;
SET mnemo.step = 'btree'; ${SEEN}
`,
    '2027000003000_no-index.sql': `-- Up Migration
SET mnemo.step = 'none'; ${SEEN}
`,
  },
  { shipped: false },
);

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
  // the server's value for this database: below what the HNSW graph needs
  await db.query(`alter database ${db.name} set maintenance_work_mem = '1MB'`);
});
afterAll(() => db.drop());

const seen = async (step: string) =>
  Object.fromEntries(
    (await db.query<{ name: string; setting: string }>('select name, setting from seen where step = $1', [step])).map(
      (row) => [row.name, Number(row.setting)],
    ),
  );

it('an HNSW build gets its graph size, another build the ceiling, the next migration the server values again', async () => {
  const result = await runCli(['up'], {
    DATABASE_URL: db.url,
    MIGRATIONS_DIR: dir,
    MIGRATE_MAINTENANCE_WORK_MEM: '40MB',
    MIGRATE_PARALLEL_WORKERS: '0',
    LOG_FORMAT: 'json',
  });
  expect(result.stderr).not.toMatch(/"level":"error"/);
  expect(result.code).toBe(0);
  const expected = buildMemory({
    method: 'hnsw',
    m: 16,
    rows: ROWS,
    column: { type: 'halfvec', dimensions: 768 },
    ceilingKb: 40 * 1024,
    serverKb: 1024,
  });
  // between the server's 1MB and the 40MB ceiling: the estimate decided
  expect(expected.maintenanceWorkMemKb).toBeGreaterThan(1024);
  expect(expected.maintenanceWorkMemKb).toBeLessThan(40 * 1024);
  expect(await seen('hnsw')).toEqual({
    maintenance_work_mem: expected.maintenanceWorkMemKb,
    max_parallel_maintenance_workers: 0,
  });
  expect(await seen('btree')).toEqual({ maintenance_work_mem: 40 * 1024, max_parallel_maintenance_workers: 0 });
  expect(await seen('none')).toEqual({ maintenance_work_mem: 1024, max_parallel_maintenance_workers: 2 });
  const sized = result.stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .find((line) => line.method === 'hnsw');
  expect(sized).toMatchObject({
    table: 'public.items',
    rows: ROWS,
    maintenance_work_mem_kb: expected.maintenanceWorkMemKb,
    estimated_graph_bytes: expected.graphBytes,
  });
}, 120_000);

it("a ceiling below the graph: warned before the build, and pgvector's notice becomes a warning with the numbers", async () => {
  const other = await freshDatabase();
  try {
    const result = await runCli(['up'], {
      DATABASE_URL: other.url,
      MIGRATIONS_DIR: dir,
      MIGRATE_MAINTENANCE_WORK_MEM: '1MB',
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /the HNSW graph on public\.items needs about \d+ MB, more than MIGRATE_MAINTENANCE_WORK_MEM \(1MB\)/,
    );
    expect(result.stderr).toMatch(
      /pgvector: the HNSW graph on public\.items no longer fits into maintenance_work_mem \(1MB\) after \d+ of about 1000 rows/,
    );
  } finally {
    await other.drop();
  }
}, 120_000);
