// A declared backfill run by the built CLI against a real server: stopped
// mid-way by SIGKILL or SIGTERM, the batches committed before stay, and the rerun
// fills the rest, every row exactly once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_BATCH } from '../src/batch-size.ts';
import { runningStatements } from './support/activity.ts';
import { runCli, startCli } from './support/cli.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { BACKFILL_MIGRATION, HELD_AT, type HeldBackfill, heldBackfill, ROWS } from './support/held-backfill.ts';
import { migrationsDir } from './support/migrations-dir.ts';

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
  }

  describe('a backfill killed mid-way (SIGKILL)', () => {
    it('keeps the batches committed before, and the rerun fills only the rest, each row once', async () => {
      const { child, done, filled } = await upHeldMidway();
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
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
      await rerunFillsTheRest(filled);
    }, 120_000);
  });
});

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
