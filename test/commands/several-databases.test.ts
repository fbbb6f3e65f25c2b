// MnemoLite's compose gives its API `mnemolite` and its tests `mnemolite_test` on one server:
// one run brings every database in MIGRATE_DATABASES to head, each on its own.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { adminUrl, freshDatabase, type TestDatabase } from '../support/database.ts';
import { withClient } from '../support/with-client.ts';

let main: TestDatabase;
const extra = `t_${randomBytes(5).toString('hex')}_second`; // not "_test": CI's password is "test", and passwords are masked
beforeAll(async () => {
  main = await freshDatabase();
});
afterAll(async () => {
  await main.drop();
  await withClient(adminUrl(), (c) => c.query(`drop database if exists ${extra} with (force)`));
});

describe('several databases in one run', () => {
  it('creates the missing one, brings both to head, and reports each', async () => {
    const env = { DATABASE_URL: main.url, MIGRATE_DATABASES: `${main.name},${extra}` };
    const up = await runCli(['up'], env);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain(`${extra}: created database ${extra}`);
    expect(up.stderr).toMatch(new RegExp(`${main.name}: \\d+ migrations to apply`));

    const verify = await runCli(['verify', '--json'], env);
    expect(verify.code, verify.stderr).toBe(0);
    const outcomes = JSON.parse(verify.stdout) as { database: string; exit_code: number; result: { ok: boolean } }[];
    expect(outcomes.map((o) => [o.database, o.exit_code, o.result.ok])).toEqual([
      [main.name, 0, true],
      [extra, 0, true],
    ]);
  });

  it('creates the database the URL names too (from postgres), and the others from it, each named', async () => {
    const own = `t_${randomBytes(5).toString('hex')}_own`;
    const next = `t_${randomBytes(5).toString('hex')}_next`;
    const url = Object.assign(new URL(main.url), { pathname: `/${own}` }).toString();
    try {
      const up = await runCli(['up'], { DATABASE_URL: url, MIGRATE_DATABASES: `${own},${next}` });
      expect(up.code, up.stderr).toBe(0);
      expect(up.stderr).toContain(`${own}: created database ${own}`);
      expect(up.stderr).toContain(`${next}: created database ${next}`);
      const alone = `t_${randomBytes(5).toString('hex')}_alone`;
      const single = await runCli(['up'], {
        DATABASE_URL: Object.assign(new URL(url), { pathname: `/${alone}` }).toString(),
      });
      expect(single.code, single.stderr).toBe(0);
      expect(single.stderr).toContain(`created database ${alone}`);
      await withClient(adminUrl(), (c) => c.query(`drop database ${alone} with (force)`));
    } finally {
      for (const name of [own, next])
        await withClient(adminUrl(), (c) => c.query(`drop database if exists ${name} with (force)`));
    }
  });

  it('exits with the worst of them, after doing what it can on the others', async () => {
    const other = await freshDatabase();
    try {
      await other.query('create table invoices (id int primary key)');
      const env = { DATABASE_URL: main.url, MIGRATE_DATABASES: `${other.name},${main.name}` };
      const up = await runCli(['up'], env);
      expect(up.code).toBe(6);
      expect(up.stderr).toContain(`${other.name}: error: database has no migration history`);
      expect(up.stderr).toContain(`${main.name}: database is up to date`);
      const verify = await runCli(['verify'], { DATABASE_URL: main.url, MIGRATE_DATABASES: main.name });
      expect(verify.code).toBe(0);
    } finally {
      await other.drop();
    }
  });

  it('a role that may not create databases: exit 4, naming what an administrator runs', async () => {
    const role = `r_${randomBytes(4).toString('hex')}`;
    const missing = `t_${randomBytes(5).toString('hex')}_second`;
    await withClient(adminUrl(), (c) =>
      c.query(
        `create role ${role} login password 'pw-${role}' nocreatedb; grant all on database ${main.name} to ${role}`,
      ),
    );
    try {
      const url = Object.assign(new URL(main.url), { username: role, password: `pw-${role}` }).toString();
      const result = await runCli(['up'], { DATABASE_URL: url, MIGRATE_DATABASES: `${main.name},${missing}` });
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(
        `${missing}: error: database ${missing} does not exist, and role ${role} may not create databases`,
      );
      expect(result.stderr).toContain(`CREATE DATABASE "${missing}" OWNER "${role}";`);
      expect(result.stderr).not.toContain(`pw-${role}`);
      expect(
        await withClient(adminUrl(), (c) => c.query('select 1 from pg_database where datname = $1', [missing])),
      ).toMatchObject({ rowCount: 0 });
    } finally {
      await withClient(adminUrl(), (c) =>
        c.query(`revoke all on database ${main.name} from ${role}; drop role ${role}`),
      );
    }
  });
});
