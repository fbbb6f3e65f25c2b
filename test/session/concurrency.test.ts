import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, waitForOutput } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { runInProcess } from '../support/in-process.ts';
import { HEAD, migrationsDir } from '../support/migrations-dir.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

/** node-pg-migrate's key for public.pgmigrations, which ours keeps for that table */
const LOCK_KEY = '7241865325823964';

async function holdLock(url: string): Promise<{ pid: number; release(): Promise<void> }> {
  const holder = new pg.Client({ connectionString: url, application_name: 'lock-holder-probe' });
  await holder.connect();
  await holder.query('select pg_advisory_lock($1)', [LOCK_KEY]);
  const { rows } = await holder.query<{ pid: number }>('select pg_backend_pid() as pid');
  return { pid: rows[0]!.pid, release: () => holder.end() };
}

describe('many runners at once (a Kubernetes rollout)', () => {
  it('10 runners that all found the lock taken: one applies, the others wait and leave, every migration recorded once', {
    timeout: 300_000,
  }, async () => {
    const dir = migrationsDir({});
    // Contention by construction, not by timing: the lock is held until every
    // runner has said, naming the holder, that it is waiting for it.
    const holder = await holdLock(db.url);
    const runners = Array.from({ length: 10 }, () =>
      startCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir, LOG_FORMAT: 'json' }),
    );
    try {
      const waiting = `another runner holds the migration lock (pid ${holder.pid} (lock-holder-probe)`;
      await Promise.all(runners.map(({ child }) => waitForOutput(child, waiting, 240_000)));
    } finally {
      await holder.release();
    }
    const results = await Promise.all(runners.map(({ done }) => done));
    expect(results.map((r) => r.code)).toEqual(Array(10).fill(0));

    const logs = results.map((r) =>
      r.stderr
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg: string; migration?: string }),
    );
    const appliers = logs.filter((lines) => lines.some((line) => line.msg.startsWith('applying ')));
    expect(appliers).toHaveLength(1);
    for (const lines of logs.filter((l) => l !== appliers[0]))
      expect(lines.at(-1)!.msg).toBe(`database is up to date at ${HEAD}`);

    // the ledger holds what the one applier applied, each migration once
    const applied = appliers[0]!.filter((line) => line.msg.startsWith('applied ')).map((line) => line.migration);
    const ledger = await db.query<{ name: string; n: number }>(
      'select name, count(*)::int as n from pgmigrations group by name order by min(id)',
    );
    expect(ledger.map((row) => row.name)).toEqual(applied);
    expect(ledger.every((row) => row.n === 1)).toBe(true);
  });
});

describe('the lock wait is bounded', () => {
  it('exit 5 after MIGRATE_LOCK_TIMEOUT, naming the holder', async () => {
    const other = await freshDatabase();
    const holder = await holdLock(other.url);
    try {
      const result = await runInProcess(['up'], { DATABASE_URL: other.url, MIGRATE_LOCK_TIMEOUT: '1' });
      expect(result.code).toBe(5);
      expect(result.stderr).toContain('migration lock not acquired within 1 s (MIGRATE_LOCK_TIMEOUT)');
      expect(result.stderr).toContain(`held by pid ${holder.pid} (lock-holder-probe)`);
      expect(await other.query(`select to_regclass('events') as t`)).toEqual([{ t: null }]);

      // another migrations table is another lock: not blocked
      const elsewhere = await runInProcess(['up'], {
        DATABASE_URL: other.url,
        MIGRATE_LOCK_TIMEOUT: '1',
        MIGRATIONS_TABLE: 'other_migrations',
      });
      expect(elsewhere.code).toBe(0);
    } finally {
      await holder.release();
      await other.drop();
    }
  });
});
