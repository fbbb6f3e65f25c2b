// A parallel HNSW build keeps its graph in a shared memory segment of maintenance_work_mem, which
// must fit in the server's /dev/shm: Docker gives a container 64MB unless told otherwise. This
// server has 16MB, so the first build fails at once, and the runner builds again without workers.
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { migrationsDir } from '../support/migrations-dir.ts';

let server: StartedPostgreSqlContainer;
beforeAll(async () => {
  server = await new PostgreSqlContainer(process.env.TEST_PG_IMAGE ?? 'pgvector/pgvector:pg17')
    .withSharedMemorySize(16 * 1024 * 1024)
    // a worker even for this small table
    .withCommand(['postgres', '-c', 'min_parallel_table_scan_size=0'])
    .start();
}, 120_000);
afterAll(() => server?.stop());

const dir = migrationsDir(
  {
    '2027000000000_items.sql': `-- Up Migration
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE items (id int PRIMARY KEY, e vector(64));
INSERT INTO items SELECT g, (SELECT array_agg(random()) FROM generate_series(1, 64) WHERE g > 0)::vector
  FROM generate_series(1, 500) g;
`,
    // as the chain builds on live tables: the failed build leaves an invalid index, which the rerun drops;
    // over an expression, so no estimate: the build gets the whole MIGRATE_MAINTENANCE_WORK_MEM
    '2027000001000_items-hnsw.js': `export function up(pgm) {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS items_e_hnsw');
  pgm.sql('CREATE INDEX CONCURRENTLY items_e_hnsw ON items USING hnsw ((e::halfvec(64)) halfvec_l2_ops)');
}
`,
  },
  { shipped: false },
);

it('a parallel build that does not fit in /dev/shm is built again without workers, with the advice', async () => {
  const result = await runCli(['up'], {
    DATABASE_URL: server.getConnectionUri(),
    MIGRATIONS_DIR: dir,
    MIGRATE_MAINTENANCE_WORK_MEM: '64MB',
    MIGRATE_PARALLEL_WORKERS: '1',
    EMBEDDING_DIMENSION: '64',
    CODE_EMBEDDING_DIMENSION: '64',
  });
  expect(result.stderr).toMatch(/could not resize shared memory segment/);
  expect(result.stderr).toMatch(/running it again without parallel workers.*shm_size/);
  expect(result.code).toBe(0);
  const c = new pg.Client({ connectionString: server.getConnectionUri() });
  await c.connect();
  try {
    const { rows } = await c.query(`select i.indisvalid from pg_index i where i.indexrelid = 'items_e_hnsw'::regclass`);
    expect(rows).toEqual([{ indisvalid: true }]);
  } finally {
    await c.end();
  }
}, 180_000);
