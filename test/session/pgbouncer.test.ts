// Behind the real PgBouncer (Debian's 1.18 here), at its default settings: in
// session mode the runner works as on a direct connection (DDL lock timeout,
// statement timeout, SIGTERM); in transaction and statement mode it refuses
// before touching anything (exit 8), and MIGRATE_DATABASE_URL is the way out.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advisoryLocks, runningStatements } from '../support/activity.ts';
import { catalogSnapshot } from '../support/catalog.ts';
import { runCli, startCli, waitForOutput } from '../support/cli.ts';
import { adminUrl, freshDatabase, type TestDatabase } from '../support/database.ts';
import { HEAD, MIGRATIONS, migrationsDir } from '../support/migrations-dir.ts';
import { type PgBouncer, type PoolMode, startPgBouncer } from '../support/pgbouncer.ts';

const bouncers = new Map<PoolMode, PgBouncer>();
beforeAll(async () => {
  for (const mode of ['session', 'transaction', 'statement'] as const)
    bouncers.set(mode, await startPgBouncer(adminUrl(), mode));
});
afterAll(async () => {
  for (const bouncer of bouncers.values()) await bouncer.stop();
});
const through = (mode: PoolMode, db: TestDatabase) => bouncers.get(mode)!.through(db.url);

const ledgerCounts = (db: TestDatabase) =>
  db.query<{ name: string; n: number }>(
    'select name, count(*)::int as n from pgmigrations group by name order by name',
  );

describe('session mode, PgBouncer defaults', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await freshDatabase();
    dir = migrationsDir({});
  });
  afterAll(async () => {
    await bouncers.get('session')!.stop(); // its server connections would keep the database busy
    await db.drop();
  });

  it('up applies every migration once and exits 0; the rerun finds nothing to do', async () => {
    const result = await runCli(['up'], { DATABASE_URL: through('session', db), MIGRATIONS_DIR: dir });
    expect(result.stderr).not.toContain('unsupported startup parameter');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`database is at ${HEAD}`);
    const ledger = await ledgerCounts(db);
    expect(ledger.map((row) => row.name)).toEqual([...MIGRATIONS].sort());
    expect(ledger.every((row) => row.n === 1)).toBe(true);
    const rerun = await runCli(['up'], { DATABASE_URL: through('session', db), MIGRATIONS_DIR: dir });
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain(`database is up to date at ${HEAD}`);
  });

  it('a DDL lock not granted within MIGRATE_DDL_LOCK_TIMEOUT: retried, the blocker named, exit 1, database unchanged', async () => {
    const note = join(dir, '20270101000000000_events_note.sql');
    writeFileSync(
      note,
      '-- Up Migration\nalter table events add column note text;\n-- Down Migration\nalter table events drop column note;\n',
    );
    const blocker = new pg.Client({ connectionString: db.url, application_name: 'long-report' });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('select count(*) from events');
      const { rows } = await blocker.query<{ pid: number }>('select pg_backend_pid() as pid');
      const before = await catalogSnapshot(db, { withLedger: true });
      const env = { DATABASE_URL: through('session', db), MIGRATIONS_DIR: dir, MIGRATE_DDL_LOCK_TIMEOUT: '0.5' };
      const result = await runCli(['up'], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('could not lock what it changes within MIGRATE_DDL_LOCK_TIMEOUT (0.5 s)');
      expect(result.stderr).toMatch(/retrying in [\d.]+ s \(attempt 2 of 3\)/);
      expect(result.stderr).toContain(`blocked by pid ${rows[0]!.pid} (long-report, idle in transaction`);
      expect(await catalogSnapshot(db, { withLedger: true })).toEqual(before);
      await blocker.query('commit');
      expect((await runCli(['up'], env)).code).toBe(0);
      expect(await catalogSnapshot(db)).toContain('column events.note text');
    } finally {
      await blocker.end();
    }
  });

  it('MIGRATE_STATEMENT_TIMEOUT holds for the migrations: exit 1, rolled back', async () => {
    writeFileSync(
      join(dir, '20270102000000000_too_slow.sql'),
      '-- Up Migration\ncreate table too_slow (id int);\nselect pg_sleep(10);\n',
    );
    const result = await runCli(['up'], {
      DATABASE_URL: through('session', db),
      MIGRATIONS_DIR: dir,
      MIGRATE_STATEMENT_TIMEOUT: '1',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'migration 20270102000000000_too_slow exceeded MIGRATE_STATEMENT_TIMEOUT (1 s); rolled back',
    );
    expect(await db.query(`select to_regclass('too_slow') as t`)).toEqual([{ t: null }]);
  });

  it('SIGTERM during a migration cancels it through the pooler, rolls back, releases the lock, exits 143', async () => {
    const sleeper = '20270102000000000_too_slow';
    writeFileSync(
      join(dir, `${sleeper}.sql`),
      '-- Up Migration\ncreate table too_slow (id int);\nselect pg_sleep(60);\n-- Down Migration\ndrop table too_slow;\n',
    );
    const before = await catalogSnapshot(db, { withLedger: true });
    const { child, done } = startCli(['up'], { DATABASE_URL: through('session', db), MIGRATIONS_DIR: dir });
    await waitForOutput(child, `applying ${sleeper}`);
    await expect.poll(() => runningStatements(db, '%pg_sleep(60)%'), { timeout: 30_000, interval: 50 }).toBe(1);
    const sent = Date.now();
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(143);
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(result.stderr).toContain(
      `stopped by SIGTERM during ${sleeper}, which was rolled back; the migration lock is released`,
    );
    expect(await catalogSnapshot(db, { withLedger: true })).toEqual(before);
    expect({ locks: await advisoryLocks(db), sleeping: await runningStatements(db, '%pg_sleep(60)%') }).toEqual({
      locks: 0,
      sleeping: 0,
    });
  });
});

for (const mode of ['transaction', 'statement'] as const) {
  describe(`${mode} mode`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await freshDatabase();
    });
    afterAll(() => db.drop());

    it('up refuses before touching anything, exit 8, naming MIGRATE_DATABASE_URL; with it set to the direct URL it migrates', async () => {
      const before = await catalogSnapshot(db, { withLedger: true });
      const result = await runCli(['up'], { DATABASE_URL: through(mode, db) });
      expect(result.code).toBe(8);
      expect(result.stderr).toContain('is behind a pooler that hands out server connections per transaction');
      expect(result.stderr).toContain('set MIGRATE_DATABASE_URL to a direct URL');
      expect(result.stderr).not.toContain(new URL(db.url).password);
      expect(await catalogSnapshot(db, { withLedger: true })).toEqual(before);
      expect(await db.query(`select to_regclass('pgmigrations') as t`)).toEqual([{ t: null }]);
      expect(await advisoryLocks(db)).toBe(0);

      const direct = await runCli(['up'], { DATABASE_URL: through(mode, db), MIGRATE_DATABASE_URL: db.url });
      expect(direct.code).toBe(0);
      expect((await ledgerCounts(db)).map((row) => row.n)).toEqual(MIGRATIONS.map(() => 1));

      // at head, with the schema checked: the quick look leaves the pooler to the session, which refuses
      const atHead = await runCli(['up'], { DATABASE_URL: through(mode, db), LOG_LEVEL: 'debug' });
      expect(atHead.stderr).toContain('a pooler answers; opening a session');
      expect(atHead.code).toBe(8);
    });
  });
}
