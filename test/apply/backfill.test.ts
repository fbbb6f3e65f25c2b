// A declared backfill run by the built CLI against a real server: stopped
// mid-way by SIGKILL or SIGTERM, the batches committed before stay, and the rerun
// fills the rest, every row exactly once.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMPACT_ROW_BYTES } from '../../src/apply/backfill.ts';
import { FIRST_BATCH } from '../../src/apply/batch-size.ts';
import { runningStatements } from '../support/activity.ts';
import { runCli, startCli } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { BACKFILL_MIGRATION, HELD_AT, type HeldBackfill, heldBackfill, ROWS } from '../support/held-backfill.ts';
import { migrationsDir } from '../support/migrations-dir.ts';
import { type PostgresServer, startPostgres } from '../support/postgres-server.ts';

describe('a backfill held mid-way at a gate', () => {
  let db: TestDatabase;
  let held: HeldBackfill;
  beforeEach(async () => {
    db = await freshDatabase();
    held = await heldBackfill(db);
  });
  afterEach(async () => {
    await held.open();
    await db.drop();
  });

  const env = () => ({ DATABASE_URL: db.url, MIGRATIONS_DIR: held.dir, MIGRATE_LOCK_TIMEOUT: '10' });

  /** Starts `up` and resolves once a batch waits at the gate, with the rows filled before it. */
  async function upHeldMidway() {
    const run = startCli(['up'], env());
    await expect.poll(held.waiting, { timeout: 30_000, interval: 50 }).toBe(true);
    const filled = await held.filled();
    // the first batch committed; the one holding row HELD_AT has not
    expect(filled).toBeGreaterThanOrEqual(FIRST_BATCH);
    expect(filled).toBeLessThan(HELD_AT);
    return { ...run, filled };
  }

  async function rerunFillsTheRest(filledBefore: number) {
    await held.open();
    const rerun = await runCli(['up'], env());
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain(`filled ${ROWS - filledBefore} rows of items in `);
    expect(rerun.stderr).toContain(`applied ${BACKFILL_MIGRATION}`);
    expect(await held.fills()).toEqual({ 1: ROWS }); // every row updated exactly once, over both runs
    expect((await db.query('select id from items where dst is distinct from src')).length).toBe(0);
    const ledger = await db.query<{ name: string }>('select name from pgmigrations where name = $1', [
      BACKFILL_MIGRATION,
    ]);
    expect(ledger).toHaveLength(1);
    expect(await toastTupleTarget(db, 'items')).toBeNull();
  }

  describe('a backfill killed mid-way (SIGKILL)', () => {
    it('keeps the batches committed before, and the rerun fills only the rest, each row once', async () => {
      const { child, done, filled } = await upHeldMidway();
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      expect(await toastTupleTarget(db, 'items')).toBe(String(COMPACT_ROW_BYTES)); // left lowered: the rerun restores it
      // the server notices the dead client (client_connection_check_interval) and rolls the waiting batch back
      await expect.poll(() => runningStatements(db, '%UPDATE items SET%'), { timeout: 15_000, interval: 100 }).toBe(0);
      expect(await held.filled()).toBe(filled);
      expect(await held.fills()).toEqual({ 0: ROWS - filled, 1: filled });
      expect(await db.query('select 1 from pgmigrations where name = $1', [BACKFILL_MIGRATION])).toHaveLength(0);
      await rerunFillsTheRest(filled);
    }, 120_000);
  });

  describe('a backfill stopped by SIGTERM', () => {
    it('cancels the batch under way, exits 143 saying what stays, and the rerun resumes', async () => {
      const { child, done, filled } = await upHeldMidway();
      child.kill('SIGTERM');
      const result = await done;
      expect(result.code).toBe(143);
      expect(result.stderr).toContain(
        `stopped by SIGTERM during ${BACKFILL_MIGRATION}, with ${filled} of ${ROWS} rows of items filled; the filled rows stay`,
      );
      expect(await held.filled()).toBe(filled);
      expect(await held.fills()).toEqual({ 0: ROWS - filled, 1: filled });
      expect(await toastTupleTarget(db, 'items')).toBeNull(); // restored on the way out
      await rerunFillsTheRest(filled);
    }, 120_000);
  });
});

describe('rows a backfill widens are written compact', () => {
  // A HOT update needs its page pruned, which waits for every snapshot older than the dead rows:
  // a server of its own, where no other test's transaction can hold one open
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres({ urlVariable: 'none', image: process.env.TEST_PG_IMAGE ?? 'pgvector/pgvector:pg18' });
  }, 180_000);
  afterAll(() => server?.stop());

  it('a halfvec copy of a toasted vector: most updates are HOT, the table keeps its own toast_tuple_target', async () => {
    const db = await freshDatabase(server.adminUrl);
    try {
      const rows = 2000;
      const dir = migrationsDir(
        {
          '20270101000000000_embeddings.sql': `-- Up Migration
create extension if not exists vector;
create table embeddings (id uuid primary key default gen_random_uuid(), e vector(768), h halfvec(768));
insert into embeddings (e)
  select (select array_agg(random()::real) from generate_series(1, 768) where i > 0)::vector from generate_series(1, ${rows}) i;
`,
          '20270102000000000_embeddings-half.ts':
            "export const backfill = [{ table: 'embeddings', key: 'id', set: 'h = e::halfvec(768)', pending: 'h IS NULL' }];\n" +
            'export function down() {}\n',
        },
        { shipped: false },
      );
      const run = await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
      expect(run.code, run.stderr).toBe(0);
      expect((await db.query('select 1 from embeddings where h is null')).length).toBe(0);
      expect(await toastTupleTarget(db, 'embeddings')).toBeNull();
      // the runner's server process reports its updates as it exits
      const updates = () =>
        db.query<{ n: number; hot: number }>(
          "select n_tup_upd::int as n, n_tup_hot_upd::int as hot from pg_stat_user_tables where relname = 'embeddings'",
        );
      await expect.poll(async () => (await updates())[0]?.n, { timeout: 10_000, interval: 100 }).toBe(rows);
      // about half here (random keys: each page is revisited by later batches, after pruning); at PostgreSQL's
      // default (2032 bytes) the copy stays in the row, which then has no room in its page: 51 of 2000
      expect((await updates())[0]!.hot).toBeGreaterThan(rows / 4);
    } finally {
      await db.drop();
    }
  }, 120_000);
});

function toastTupleTarget(db: TestDatabase, table: string): Promise<string | null> {
  return db
    .query<{ value: string | null }>(
      `select (select option_value from pg_options_to_table(reloptions) where option_name = 'toast_tuple_target') as value
         from pg_class where oid = $1::regclass`,
      [table],
    )
    .then((rows) => rows[0]!.value);
}

describe('a backfill whose SQL fails', () => {
  it('reports the batch statement and PostgreSQL message (exit 1); the migration is not recorded', async () => {
    const dir = migrationsDir(
      {
        '001_items.sql':
          '-- Up Migration\ncreate table items (id int primary key, src int, dst int);\ninsert into items select i, i from generate_series(1, 50) i;\n',
        '002_fill.ts':
          "export const backfill = [{ table: 'items', key: 'id', set: 'dst = src / (src - 25)', pending: 'dst IS NULL' }];\nexport function down() {}\n",
      },
      { shipped: false },
    );
    const own = await freshDatabase();
    const result = await runCli(['up'], { DATABASE_URL: own.url, MIGRATIONS_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('migration 002_fill failed');
    expect(result.stderr).toContain('UPDATE items SET dst = src / (src - 25) WHERE id IN (SELECT k FROM picked)');
    expect(result.stderr).toContain('postgres: division by zero (SQLSTATE 22012)');
    expect(await own.query('select 1 from pgmigrations where name = $1', ['002_fill'])).toHaveLength(0);
    await own.drop();
  });
});
