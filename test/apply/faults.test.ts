import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, waitForOutput } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { migrationsDir } from '../support/migrations-dir.ts';
import { proxyUrl, TcpProxy, targetOf } from '../support/tcp-proxy.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

const withUrl = (url: string, change: (u: URL) => void) => {
  const u = new URL(url);
  change(u);
  return u.toString();
};

describe('a database that is down', () => {
  it('at start: retried until MIGRATE_WAIT_TIMEOUT, then exit 4 naming host:port, never the password', async () => {
    const port = await TcpProxy.freePort();
    const started = Date.now();
    const url = withUrl(proxyUrl(db.url, port), (u) => (u.password = 'Unseen-Pa55'));
    const result = await runCli(['up'], { DATABASE_URL: url, MIGRATE_WAIT_TIMEOUT: '2' });
    expect(result.code).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(result.stderr).toContain(`127.0.0.1:${port}/${db.name} did not accept connections within 2 s`);
    expect(result.stderr).toContain('ECONNREFUSED');
    expect(result.stderr + result.stdout).not.toContain('Unseen-Pa55');
  });

  it('that comes up during the wait: proceeds', async () => {
    const port = await TcpProxy.freePort();
    const proxy = new TcpProxy(port, targetOf(db.url));
    try {
      const { child, done } = startCli(['up'], { DATABASE_URL: proxyUrl(db.url, port), MIGRATE_WAIT_TIMEOUT: '30' });
      await waitForOutput(child, 'waiting for database');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await proxy.start();
      const result = await done;
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('database is at');
    } finally {
      await proxy.stop();
    }
  });

  it('restarted during a run: a clear non-zero exit; the rerun completes', async () => {
    const port = await TcpProxy.freePort();
    const proxy = new TcpProxy(port, targetOf(db.url));
    await proxy.start();
    const dir = migrationsDir({
      '20270101000000000_slow.sql': '-- Up Migration\ncreate table restarted_marker (id int);\nselect pg_sleep(3);\n',
    });
    try {
      const { child, done } = startCli(['up'], { DATABASE_URL: proxyUrl(db.url, port), MIGRATIONS_DIR: dir });
      await waitForOutput(child, 'applying 20270101000000000_slow');
      await proxy.stop(); // the database "restarts"
      const result = await done;
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`lost the connection to`);
      expect(result.stderr).toContain('during 20270101000000000_slow');
      await expect
        .poll(async () => db.query(`select to_regclass('restarted_marker') as t`), { timeout: 10_000 })
        .toEqual([{ t: null }]);

      await proxy.start();
      const rerun = await runCli(['up'], {
        DATABASE_URL: proxyUrl(db.url, port),
        MIGRATIONS_DIR: dir,
        MIGRATE_LOCK_TIMEOUT: '10',
      });
      expect(rerun.code).toBe(0);
      expect(await db.query(`select to_regclass('restarted_marker')::text as t`)).toEqual([{ t: 'restarted_marker' }]);
    } finally {
      await proxy.stop();
    }
  });
});

describe('causes reported at once, not retried for a minute', () => {
  const cases: [string, () => string, RegExp, Record<string, string>?][] = [
    [
      'a wrong password',
      () => withUrl(db.url, (u) => (u.password = 'wrong-Pa55word')),
      /authentication failed: password authentication failed for user/,
    ],
    [
      'an unknown database',
      () => withUrl(db.url, (u) => (u.pathname = '/no_such_db')),
      /database "no_such_db" does not exist/,
    ],
    [
      'TLS required but the server refuses it',
      () => withUrl(db.url, (u) => u.searchParams.set('sslmode', 'require')),
      /TLS: The server does not support SSL connections/,
    ],
    [
      'a host name that does not resolve',
      () => withUrl(db.url, (u) => (u.hostname = 'no-such-host.invalid')),
      /host name no-such-host\.invalid does not resolve/,
    ],
  ];
  for (const [what, url, message] of cases) {
    it(`${what}: exit 4 within seconds`, async () => {
      const started = Date.now();
      // status: `up` would create a database that is not there (test/commands/several-databases.test.ts)
      const result = await runCli(['status'], { DATABASE_URL: url(), MIGRATE_WAIT_TIMEOUT: '60' });
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result.stderr).not.toContain('wrong-Pa55word');
    });
  }
});
