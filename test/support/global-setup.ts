// One PostgreSQL with pgvector for the whole run: TEST_DATABASE_URL when set,
// else a container started with testcontainers (TEST_PG_IMAGE). Each test file
// then makes its own database on it (see database.ts).
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('adminUrl', process.env.TEST_DATABASE_URL);
    return async () => undefined;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const image = process.env.TEST_PG_IMAGE ?? 'pgvector/pgvector:pg18';
  let container;
  try {
    container = await new PostgreSqlContainer(image).withCommand(['postgres', '-c', 'max_connections=300']).start();
  } catch (error) {
    throw new Error(
      `tests need PostgreSQL with pgvector: set TEST_DATABASE_URL, or run a Docker engine so testcontainers can start ${image} (${(error as Error).message})`,
    );
  }
  project.provide('adminUrl', container.getConnectionUri());
  return async () => {
    await container.stop();
  };
}
