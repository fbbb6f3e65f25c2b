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
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const image = process.env.TEST_PG_PARTMAN_IMAGE ?? 'local/pgvector-partman:pg17';
  const container = await new PostgreSqlContainer(image).start();
  return { adminUrl: container.getConnectionUri(), stop: () => container.stop().then(() => undefined) };
}
