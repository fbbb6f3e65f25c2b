import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { catalogSnapshot } from '../support/catalog.ts';
import { runCli } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { HEAD, migrationsDir } from '../support/migrations-dir.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

it('a DDL lock not granted in time: bounded retries, the blocker named, exit 1, database unchanged; the rerun succeeds', async () => {
  const dir = migrationsDir({});
  expect((await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })).code).toBe(0);
  writeFileSync(
    join(dir, '20270101000000000_events_note.sql'),
    '-- Up Migration\nalter table events add column note text;\n-- Down Migration\nalter table events drop column note;\n',
  );

  const blocker = new pg.Client({ connectionString: db.url, application_name: 'long-report' });
  await blocker.connect();
  await blocker.query('begin');
  await blocker.query('select count(*) from events'); // ACCESS SHARE on events until commit
  const { rows } = await blocker.query<{ pid: number }>('select pg_backend_pid() as pid');
  const before = await catalogSnapshot(db, { withLedger: true });

  const started = Date.now();
  const result = await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir, MIGRATE_DDL_LOCK_TIMEOUT: '0.5' });
  const took = Date.now() - started;
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('could not lock what it changes within MIGRATE_DDL_LOCK_TIMEOUT (0.5 s)');
  expect(result.stderr).toMatch(/retrying in [\d.]+ s \(attempt 2 of 3\)/);
  expect(result.stderr).toContain(`blocked by pid ${rows[0]!.pid} (long-report, idle in transaction`);
  expect(result.stderr).toContain('holding locks on events');
  expect(took).toBeLessThan(20_000);
  expect(await catalogSnapshot(db, { withLedger: true })).toEqual(before);

  await blocker.query('commit');
  await blocker.end();
  const rerun = await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir, MIGRATE_DDL_LOCK_TIMEOUT: '0.5' });
  expect(rerun.code).toBe(0);
  expect(await catalogSnapshot(db)).toContain('column events.note text');
});

it('MIGRATE_STATEMENT_TIMEOUT bounds a statement: exit 1, rolled back, named', async () => {
  const other = await freshDatabase();
  try {
    const dir = migrationsDir({
      '20270201000000000_too_slow.sql': '-- Up Migration\ncreate table too_slow (id int);\nselect pg_sleep(10);\n',
    });
    const result = await runCli(['up'], {
      DATABASE_URL: other.url,
      MIGRATIONS_DIR: dir,
      MIGRATE_STATEMENT_TIMEOUT: '1',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'migration 20270201000000000_too_slow exceeded MIGRATE_STATEMENT_TIMEOUT (1 s); rolled back',
    );
    expect(result.stderr).toContain(`applied ${HEAD}`);
    // rolled back: the table its first statement created is gone, and it is not recorded
    expect(await other.query(`select to_regclass('too_slow') as t`)).toEqual([{ t: null }]);
    expect(await other.query(`select name from pgmigrations where name = '20270201000000000_too_slow'`)).toEqual([]);
  } finally {
    await other.drop();
  }
});
