// A PostgreSQL server that offers pg_partman, as MnemoLite's own db image does (the real fixtures create the
// extension): TEST_DATABASE_URL's server when set (it must offer pg_partman), else a container of
// TEST_PG_PARTMAN_IMAGE for the calling test file. Databases on it come from freshDatabase(server.adminUrl).
import { adminUrl, withClient } from './database.ts';

export interface PartmanServer {
  adminUrl: string;
  stop(): Promise<void>;
}

export async function startPartmanServer(): Promise<PartmanServer> {
  if (process.env.TEST_DATABASE_URL) {
    const url = adminUrl();
    const offered = await withClient(url, (c) => c.query(`select 1 from pg_available_extensions where name = 'pg_partman'`));
    if (offered.rowCount === 0) throw new Error('the server at TEST_DATABASE_URL does not offer pg_partman (MnemoLite fixtures need it)');
    return { adminUrl: url, stop: async () => undefined };
  }
  const { GenericContainer, Wait } = await import('testcontainers');
  const image = process.env.TEST_PG_PARTMAN_IMAGE ?? 'local/pgvector-partman:pg17';
  // No docker health check (PostgreSqlContainer's pg_isready every 250 ms): on a loaded host it never turned
  // healthy, and with it the server went into recovery mid-test (a backend killed by SIGPIPE). The second "ready"
  // line is the server after the init (the first is the entrypoint's temporary one).
  const container = await new GenericContainer(image)
    .withEnvironment({ POSTGRES_USER: 'test', POSTGRES_PASSWORD: 'test', POSTGRES_DB: 'test' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const url = `postgresql://test:test@${container.getHost()}:${container.getMappedPort(5432)}/test`;
  return { adminUrl: url, stop: () => container.stop().then(() => undefined) };
}
