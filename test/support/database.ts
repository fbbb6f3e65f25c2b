// A fresh database for one test file, on the server global-setup provides.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { inject } from 'vitest';
import { withClient } from './with-client.ts';

export interface TestDatabase {
  /** postgresql:// URL of the fresh database */
  url: string;
  name: string;
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  return inject('adminUrl');
}

/** A new empty database on the run's server, or on the server at `admin` (e.g. partman-server.ts). */
export async function freshDatabase(admin = adminUrl()): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await withClient(admin, (c) => c.query(`create database ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    query: (sql, values) => withClient(url.toString(), async (c) => (await c.query(sql, values)).rows),
    drop: () => withClient(admin, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
