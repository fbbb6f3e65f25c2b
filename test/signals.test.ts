import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advisoryLocks, runningStatements } from './support/activity.ts';
import { catalogSnapshot } from './support/catalog.ts';
import { runCli, startCli, waitForOutput } from './support/cli.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { heldIndexBuild, INDEX_MIGRATION } from './support/held-index-build.ts';
import { migrationsDir } from './support/migrations-dir.ts';

const SLEEPER = '20270101000000000_sleeper';
const sleeper = (seconds: number) =>
  `-- Up Migration\ncreate table sleeper_marker (id int);\nselect pg_sleep(${seconds});\n-- Down Migration\ndrop table sleeper_marker;\n`;

let db: TestDatabase;
let dir: string;
beforeEach(async () => {
  db = await freshDatabase();
  dir = migrationsDir({});
  expect((await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })).code).toBe(0);
  writeFileSync(join(dir, `${SLEEPER}.sql`), sleeper(60));
});
afterEach(() => db.drop());

const SLEEPING = '%pg_sleep(60)%';
const leftovers = async () => ({ locks: await advisoryLocks(db), sleeping: await runningStatements(db, SLEEPING) });
// the migration is inside pg_sleep, as the server itself reports
const sleeping = () => expect.poll(() => runningStatements(db, SLEEPING), { timeout: 30_000, interval: 50 }).toBe(1);

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  it(`${signal} during a migration cancels it, rolls back, releases the lock and exits ${code}`, async () => {
    const before = await catalogSnapshot(db, { withLedger: true });
    const { child, done } = startCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    await waitForOutput(child, `applying ${SLEEPER}`);
    await sleeping();
    const sent = Date.now();
    child.kill(signal);
    const result = await done;
    expect(result.code).toBe(code);
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(result.stderr).toContain(
      `stopped by ${signal} during ${SLEEPER}, which was rolled back; the migration lock is released`,
    );
    expect(await catalogSnapshot(db, { withLedger: true })).toEqual(before);
    expect(await leftovers()).toEqual({ locks: 0, sleeping: 0 });
  });
}

describe('SIGKILL', () => {
  it('mid-migration: the next run proceeds normally, the killed migration left nothing', async () => {
    const before = await catalogSnapshot(db, { withLedger: true });
    const { child, done } = startCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    await waitForOutput(child, `applying ${SLEEPER}`);
    await sleeping();
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');

    // the server notices the dead client (client_connection_check_interval), rolls back, frees the lock
    await expect.poll(leftovers, { timeout: 10_000, interval: 250 }).toEqual({ locks: 0, sleeping: 0 });
    expect(await catalogSnapshot(db, { withLedger: true })).toEqual(before);

    writeFileSync(join(dir, `${SLEEPER}.sql`), sleeper(0));
    const rerun = await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir, MIGRATE_LOCK_TIMEOUT: '5' });
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain(`applied ${SLEEPER}`);
  });
});

describe('SIGKILL during a concurrent index build', () => {
  it('leaves an invalid index that status reports with the way out, and the rerun rebuilds it', async () => {
    const other = await freshDatabase();
    const build = await heldIndexBuild(other);
    try {
      const env = {
        DATABASE_URL: other.url,
        MIGRATIONS_DIR: build.dir,
        MIGRATE_PROGRESS_INTERVAL: '0.2',
        MIGRATE_DDL_LOCK_TIMEOUT: '0',
      };
      const { child, done } = startCli(['up'], env);
      // the build has created its index and waits for the test's transaction
      await waitForOutput(child, `still running ${INDEX_MIGRATION}: `);
      child.kill('SIGKILL');
      await done;

      // the server notices the dead client and aborts the build while it still waits, leaving the index INVALID
      const backends = () => runningStatements(other, '%CREATE INDEX CONCURRENTLY vectors_hnsw%');
      await expect.poll(backends, { timeout: 15_000, interval: 100 }).toBe(0);
      await build.release();
      const valid = async () =>
        (
          await other.query<{ valid: boolean }>(
            `select indisvalid as valid from pg_index where indexrelid = to_regclass('vectors_hnsw')`,
          )
        )[0]?.valid;
      expect(await valid()).toBe(false);
      const status = JSON.parse((await runCli(['status', '--json'], env)).stdout);
      expect(status.pending).toEqual([INDEX_MIGRATION]);
      expect(status.anomalies).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^index vectors_hnsw is invalid \(an interrupted CREATE INDEX CONCURRENTLY\): up reruns the migration/,
          ),
        ]),
      );

      const rerun = await runCli(['up'], { ...env, MIGRATE_LOCK_TIMEOUT: '10' });
      expect(rerun.code).toBe(0);
      expect(rerun.stderr).toContain('invalid index vectors_hnsw');
      expect(await valid()).toBe(true);
    } finally {
      await build.release();
      await other.drop();
    }
  }, 120_000); // five processes in a row
});

describe('a signal once the work is done', () => {
  it('SIGTERM right after the last line does not turn a finished up into 143', async () => {
    // the whole chain, run with the image's node flags (startCli): the SQL parser's WebAssembly is compiled
    for (let run = 0; run < 2; run++) {
      const fresh = await freshDatabase();
      try {
        const { child, done } = startCli(['up'], { DATABASE_URL: fresh.url });
        await waitForOutput(child, 'database is at ');
        child.kill('SIGTERM');
        const result = await done;
        expect(result.code, result.stderr).toBe(0);
        expect(await fresh.query('select count(*)::int as n from pgmigrations')).toEqual([{ n: 50 }]);
      } finally {
        await fresh.drop();
      }
    }
  });
});
