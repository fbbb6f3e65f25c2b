// The one PostgreSQL server a benchmark run uses, from the test support:
// BENCH_DATABASE_URL when set (a role that may create databases), else a
// throwaway container of BENCH_PG_IMAGE (default TEST_PG_IMAGE, else
// pgvector/pgvector:pg18). Every scenario gets databases of its own, created
// here and dropped after use.
import pg from 'pg';
import { startPostgres as startServer } from '../test/support/postgres-server.ts';
import { pgImage } from './tools.ts';

export interface PostgresServer {
  /** e.g. "PostgreSQL 17.12 (pgvector 0.8.1), container local/pgvector:pg17 (…)" */
  description: string;
  urlFor(database: string): string;
  /** creates an empty database (dropping one of that name first) and returns its URL */
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** a query on one database, for checks between runs */
  query<T extends pg.QueryResultRow>(database: string, sql: string): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startPostgres(env: NodeJS.ProcessEnv = process.env): Promise<PostgresServer> {
  const server = await startServer({
    url: env.BENCH_DATABASE_URL,
    urlVariable: 'BENCH_DATABASE_URL',
    image: pgImage(env),
  });
  try {
    return await connectTo(new URL(server.adminUrl), server.where, server.stop);
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function connectTo(admin: URL, where: string, stop: () => Promise<void>): Promise<PostgresServer> {
  const urlFor = (database: string) => {
    const url = new URL(admin.href);
    url.pathname = `/${database}`;
    return url.href;
  };
  const adminQuery = async <T extends pg.QueryResultRow>(database: string, sql: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: urlFor(database) });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const adminDb = admin.pathname.slice(1) || 'postgres';
  const [{ version }] = (await adminQuery<{ version: string }>(
    adminDb,
    `select current_setting('server_version') as version`,
  )) as [{ version: string }];
  const vector = await adminQuery<{ v: string }>(
    adminDb,
    `select default_version as v from pg_available_extensions where name = 'vector'`,
  );
  const quoted = (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
    return `"${name}"`;
  };
  return {
    description: `PostgreSQL ${version.split(' ')[0]}${vector[0] ? ` (pgvector ${vector[0].v})` : ''}, ${where}`,
    urlFor,
    async createDatabase(name) {
      await adminQuery(adminDb, `drop database if exists ${quoted(name)} with (force)`);
      await adminQuery(adminDb, `create database ${quoted(name)}`);
      return urlFor(name);
    },
    async dropDatabase(name) {
      await adminQuery(adminDb, `drop database if exists ${quoted(name)} with (force)`);
    },
    query: adminQuery,
    stop,
  };
}
