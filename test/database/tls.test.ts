// TLS against a PostgreSQL started with ssl=on and a certificate made for this
// run: a server that is still starting is waited for under sslmode=require,
// verify-full connects with the right CA and refuses at once with another.
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { Wait } from 'testcontainers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Certificates, makeCertificates } from '../support/certificates.ts';
import { runCli, startCli, waitForOutput } from '../support/cli.ts';
import { migrationsDir } from '../support/migrations-dir.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

let server: StartedPostgreSqlContainer;
let certificates: Certificates;
const dir = migrationsDir(
  { '20270101000000000_notes.sql': '-- Up Migration\ncreate table notes (id int);\n' },
  { shipped: false },
);

beforeAll(async () => {
  certificates = makeCertificates();
  server = await new PostgreSqlContainer(process.env.TEST_PG_IMAGE ?? 'pgvector/pgvector:pg18')
    .withSSL(certificates.cert, certificates.key)
    // the server's own word, read from its log: cheaper than a health check on a loaded machine
    .withWaitStrategy(Wait.forLogMessage('database system is ready to accept connections', 2))
    .withStartupTimeout(170_000)
    .start();
});
afterAll(() => server?.stop());

// A fresh proxy per test: the runner reaches the server as 127.0.0.1, a name the certificate holds.
async function proxy(mode: 'forward' | 'hang-up'): Promise<{ proxy: TcpProxy; url: (params: string) => string }> {
  const port = await TcpProxy.freePort();
  const proxy = new TcpProxy(port, { host: server.getHost(), port: server.getPort() });
  await proxy.start(mode);
  const database = `db_${port}`;
  const created = await server.exec(['psql', '-U', server.getUsername(), '-c', `create database ${database}`]);
  if (created.exitCode !== 0) throw new Error(`create database ${database} failed: ${created.output}`);
  return {
    proxy,
    url: (params) =>
      `postgresql://${server.getUsername()}:${server.getPassword()}@127.0.0.1:${port}/${database}?${params}`,
  };
}

it('sslmode=require: a server that hangs up while starting is waited for, then migrated', async () => {
  const { proxy: starting, url } = await proxy('hang-up');
  try {
    const { child, done } = startCli(['up'], {
      DATABASE_URL: url('sslmode=require'),
      MIGRATIONS_DIR: dir,
      MIGRATE_WAIT_TIMEOUT: '60',
    });
    await waitForOutput(child, 'waiting for database');
    starting.forward();
    const result = await done;
    expect(result.stderr).not.toContain('TLS');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('applied 20270101000000000_notes');
  } finally {
    await starting.stop();
  }
}, 120_000); // slow on a loaded machine: a container's database, then a process

it('sslmode=verify-full with the CA that signed the server certificate: connects and migrates', async () => {
  const { proxy: direct, url } = await proxy('forward');
  try {
    const result = await runCli(['up'], {
      DATABASE_URL: url(`sslmode=verify-full&sslrootcert=${certificates.ca}`),
      MIGRATIONS_DIR: dir,
    });
    expect(result.stderr).not.toContain('TLS');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('applied 20270101000000000_notes');
  } finally {
    await direct.stop();
  }
}, 120_000); // slow on a loaded machine: a container's database, then a process

it('sslmode=verify-full with another CA: a TLS error at once (exit 4), not retried', async () => {
  const { proxy: direct, url } = await proxy('forward');
  try {
    const other = makeCertificates();
    const result = await runCli(['up'], {
      DATABASE_URL: url(`sslmode=verify-full&sslrootcert=${other.ca}`),
      MIGRATIONS_DIR: dir,
      MIGRATE_WAIT_TIMEOUT: '60',
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/cannot connect to .*: TLS: /);
    // reported as it is, not retried until MIGRATE_WAIT_TIMEOUT
    expect(result.stderr).not.toContain('did not accept connections within');
    expect(result.stderr.match(/TLS: /g)).toHaveLength(1);
  } finally {
    await direct.stop();
  }
}, 120_000); // slow on a loaded machine: a container's database, then a process
