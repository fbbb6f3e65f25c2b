// One PostgreSQL with pgvector for the whole run: TEST_DATABASE_URL when set,
// else a container started with testcontainers (TEST_PG_IMAGE). Each test file
// then makes its own database on it (see database.ts).
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres({
    url: process.env.TEST_DATABASE_URL,
    urlVariable: 'TEST_DATABASE_URL',
    image: process.env.TEST_PG_IMAGE ?? 'pgvector/pgvector:pg18',
  });
  project.provide('adminUrl', server.adminUrl);
  return server.stop;
}
