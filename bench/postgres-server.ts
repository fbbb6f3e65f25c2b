// The one PostgreSQL server a benchmark run uses: BENCH_DATABASE_URL when set (a
// role that may create databases), else a throwaway container of
// BENCH_PG_IMAGE (default TEST_PG_IMAGE, else pgvector/pgvector:pg18) on a loopback port, removed at the end.
// Every scenario gets databases of its own, created here and dropped after use.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface PostgresServer {
  /** e.g. "PostgreSQL 17.12 (pgvector 0.8.1), container local/pgvector:pg17, loopback" */
  description: string;
  urlFor(database: string): string;
  /** creates an empty database (dropping one of that name first) and returns its URL */
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** a query on one database, for checks between runs */
  query<T extends pg.QueryResultRow>(database: string, sql: string): Promise<T[]>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 90_000;

export async function startPostgres(env: NodeJS.ProcessEnv = process.env): Promise<PostgresServer> {
  if (env.BENCH_DATABASE_URL) return connectTo(new URL(env.BENCH_DATABASE_URL), 'BENCH_DATABASE_URL', () => undefined);
  const image = env.BENCH_PG_IMAGE || env.TEST_PG_IMAGE || 'pgvector/pgvector:pg18';
  const password = randomBytes(12).toString('hex');
  const name = `mnemolite-bench-${process.pid}`;
  const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  let id: string;
  try {
    id = docker('run', '-d', '--rm', '--name', name, '-e', `POSTGRES_PASSWORD=${password}`, '-p', '127.0.0.1::5432', image);
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
    throw new Error(`cannot start a PostgreSQL container from ${image} (set BENCH_DATABASE_URL to use a running server, or DOCKER_HOST to reach the engine): ${stderr}`);
  }
  const remove = () => {
    try {
      execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  };
  // a benchmark stopped with Ctrl-C leaves no container behind
  process.once('exit', remove);
  const address = docker('port', id, '5432/tcp').split('\n')[0]!; // 127.0.0.1:32768
  const url = new URL(`postgresql://postgres:${password}@${address}/postgres`);
  try {
    return await connectTo(url, `container ${image} (${id.slice(0, 12)}), loopback`, remove);
  } catch (error) {
    remove();
    throw error;
  }
}

async function connectTo(admin: URL, where: string, remove: () => void): Promise<PostgresServer> {
  await waitUntilReady(admin.href);
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
  const [{ version }] = (await adminQuery<{ version: string }>(adminDb, `select current_setting('server_version') as version`)) as [{ version: string }];
  const vector = await adminQuery<{ v: string }>(adminDb, `select default_version as v from pg_available_extensions where name = 'vector'`);
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
    async stop() {
      remove();
    },
  };
}

// The image's entrypoint runs initdb with a server on a local socket only, then
// restarts it on TCP: ready means a TCP connection that answers a query.
async function waitUntilReady(url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
