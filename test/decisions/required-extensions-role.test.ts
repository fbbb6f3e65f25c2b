// A real non-superuser role owning its database: extensions it may not create
// (vector is not trusted) stop `up` before anything runs, exit 3, with the SQL an
// administrator runs; trusted ones (pg_trgm, pgcrypto) it creates itself.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { catalogSnapshot } from '../support/catalog.ts';
import { runCli } from '../support/cli.ts';
import { adminUrl, type TestDatabase } from '../support/database.ts';
import { HEAD, MIGRATIONS } from '../support/migrations-dir.ts';
import { withClient } from '../support/with-client.ts';

const role = `owner_${randomBytes(4).toString('hex')}`;
const password = `Pw-${randomBytes(6).toString('hex')}`;
let db: TestDatabase;
let ownerUrl: string;

beforeAll(async () => {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl(), async (c) => {
    await c.query(`create role ${role} login password '${password}'`);
    await c.query(`create database ${name} owner ${role}`);
  });
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const asAdmin = url.toString();
  url.username = role;
  url.password = password;
  ownerUrl = url.toString();
  db = {
    url: asAdmin,
    name,
    query: (sql, values) => withClient(asAdmin, async (c) => (await c.query(sql, values)).rows),
    drop: () =>
      withClient(adminUrl(), (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
});
afterAll(async () => {
  await db.drop();
  await withClient(adminUrl(), (c) => c.query(`drop role if exists ${role}`));
});

it('vector missing: exit 3 before anything runs, naming it and the SQL; once an administrator creates it, up migrates', async () => {
  const before = await catalogSnapshot(db, { withLedger: true });
  const result = await runCli(['up'], { DATABASE_URL: ownerUrl });
  expect(result.code).toBe(3);
  expect(result.stderr).toContain(
    `error: the pending migrations need extension vector, which role ${role} may not create; nothing was run`,
  );
  expect(result.stderr).toContain(
    `vector: as a superuser, in database ${db.name}: CREATE EXTENSION IF NOT EXISTS vector;`,
  );
  expect(result.stderr).not.toContain('pg_trgm'); // trusted: the owner creates it
  expect(result.stderr).not.toContain('permission denied');
  expect(result.stderr).not.toContain(password);
  expect(await catalogSnapshot(db, { withLedger: true })).toEqual(before);
  expect(await db.query(`select to_regclass('pgmigrations') as t`)).toEqual([{ t: null }]);

  await db.query('create extension if not exists vector schema public');
  const rerun = await runCli(['up'], { DATABASE_URL: ownerUrl });
  expect(rerun.code).toBe(0);
  expect(rerun.stderr).toContain(`database is at ${HEAD}`);
  expect((await db.query<{ n: number }>('select count(*)::int as n from pgmigrations'))[0]!.n).toBe(MIGRATIONS.length);
  expect(
    await db.query(`select extname, extowner::regrole::text as owner from pg_extension where extname = 'pg_trgm'`),
  ).toEqual([{ extname: 'pg_trgm', owner: role }]);
});
