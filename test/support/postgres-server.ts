// The one PostgreSQL server a test run or a benchmark run uses: a running
// server's URL when given, else a container of `image` started with
// testcontainers (max_connections raised: tests start many processes at once).
import type { StartedPostgreSqlContainer } from '@testcontainers/postgresql';

export interface PostgresServer {
  /** a role that may create databases, on its default database */
  adminUrl: string;
  /** where the server is, for reports: "container <image>" or the variable that named it */
  where: string;
  stop(): Promise<void>;
}

export async function startPostgres(options: {
  url?: string;
  urlVariable: string;
  image: string;
}): Promise<PostgresServer> {
  if (options.url) return { adminUrl: options.url, where: options.urlVariable, stop: async () => undefined };
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  let container: StartedPostgreSqlContainer;
  try {
    container = await new PostgreSqlContainer(options.image)
      .withCommand(['postgres', '-c', 'max_connections=300'])
      .start();
  } catch (error) {
    throw new Error(
      `PostgreSQL with pgvector is needed: set ${options.urlVariable}, or run a Docker engine so testcontainers can start ${options.image} (${(error as Error).message})`,
    );
  }
  return {
    adminUrl: container.getConnectionUri(),
    where: `container ${options.image} (${container.getId().slice(0, 12)})`,
    stop: async () => {
      await container.stop();
    },
  };
}
