import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { runCli } from './support/cli.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { migrationsDir } from './support/migrations-dir.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

describe('many runners at once (a Kubernetes rollout)', () => {
  it('10 runners on an empty database: all exit 0, every migration applied exactly once', async () => {
    // a slow first migration makes sure the others really find the lock taken
    const dir = migrationsDir({ '20260101000000000_slow.sql': '-- Up Migration\ncreate table slow_marker (id int);\nselect pg_sleep(1);\n' });
    const results = await Promise.all(Array.from({ length: 10 }, () => runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })));
    expect(results.map((r) => r.code)).toEqual(Array(10).fill(0));
    expect(results.filter((r) => r.stderr.includes('applying 20251001000000000_baseline'))).toHaveLength(1);
    expect(results.filter((r) => r.stderr.includes('another runner holds the migration lock')).length).toBeGreaterThanOrEqual(8);

    const ledger = await db.query<{ name: string; n: number }>('select name, count(*)::int as n from pgmigrations group by name order by name');
    expect(ledger).toHaveLength(5);
    expect(ledger.every((row) => row.n === 1)).toBe(true);
    const catalog = await db.query<{ relname: string }>(`select relname from pg_class where relname in ('events', 'code_chunks', 'slow_marker', 'idx_code_embedding_code') order by 1`);
    expect(catalog.map((r) => r.relname)).toEqual(['code_chunks', 'events', 'idx_code_embedding_code', 'slow_marker']);
  });
});

describe('the lock wait is bounded', () => {
  it('exit 5 after MIGRATE_LOCK_TIMEOUT, naming the holder', async () => {
    const other = await freshDatabase();
    const holder = new pg.Client({ connectionString: other.url, application_name: 'lock-holder-probe' });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock(7241865325823964)'); // the key for public.pgmigrations
      const { rows } = await holder.query<{ pid: number }>('select pg_backend_pid() as pid');
      const started = Date.now();
      const result = await runCli(['up'], { DATABASE_URL: other.url, MIGRATE_LOCK_TIMEOUT: '1' });
      expect(result.code).toBe(5);
      expect(result.stderr).toContain('migration lock not acquired within 1 s (MIGRATE_LOCK_TIMEOUT)');
      expect(result.stderr).toContain(`held by pid ${rows[0]!.pid} (lock-holder-probe)`);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await other.query(`select to_regclass('events') as t`)).toEqual([{ t: null }]);

      // another migrations table is another lock: not blocked
      const elsewhere = await runCli(['up'], { DATABASE_URL: other.url, MIGRATE_LOCK_TIMEOUT: '1', MIGRATIONS_TABLE: 'other_migrations' });
      expect(elsewhere.code).toBe(0);
    } finally {
      await holder.end();
      await other.drop();
    }
  });
});
