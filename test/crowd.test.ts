// A crowd: 50 runners (a large rollout, every pod running `up`) against a
// PostgreSQL started with max_connections = 30, fewer than the runners. Those
// refused ("too many clients") wait and retry; all exit 0, each migration once.
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { catalogSnapshot } from './support/catalog.ts';
import { runCli } from './support/cli.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { HEAD, MIGRATIONS } from './support/migrations-dir.ts';

const RUNNERS = 50;
const MAX_CONNECTIONS = 30;

let server: StartedPostgreSqlContainer;
let crowd: TestDatabase;
let alone: TestDatabase;
beforeAll(async () => {
  server = await new PostgreSqlContainer(process.env.TEST_PG_IMAGE ?? 'pgvector/pgvector:pg18')
    .withCommand(['postgres', '-c', `max_connections=${MAX_CONNECTIONS}`])
    .withStartupTimeout(170_000)
    .start();
  crowd = await freshDatabase(server.getConnectionUri());
  alone = await freshDatabase(server.getConnectionUri());
}, 180_000);
afterAll(() => server?.stop());

it(`${RUNNERS} runners against max_connections = ${MAX_CONNECTIONS}: all exit 0, each migration applied once`, {
  timeout: 300_000,
}, async () => {
  expect(await crowd.query('show max_connections')).toEqual([{ max_connections: String(MAX_CONNECTIONS) }]);
  const results = await Promise.all(
    Array.from({ length: RUNNERS }, () => runCli(['up'], { DATABASE_URL: crowd.url, MIGRATE_WAIT_TIMEOUT: '240' })),
  );
  const failed = results.filter((result) => result.code !== 0);
  expect(failed.map((result) => result.stderr)).toEqual([]);
  // some were turned away by the server and retried: the limit was really hit
  expect(results.some((result) => result.stderr.includes('too many clients'))).toBe(true);
  expect(results.filter((result) => result.stderr.includes(`applied ${HEAD}`))).toHaveLength(1);

  const ledger = await crowd.query<{ name: string; n: number }>(
    'select name, count(*)::int as n from pgmigrations group by name order by name',
  );
  expect(ledger).toEqual([...MIGRATIONS].sort().map((name) => ({ name, n: 1 })));
  // the catalog one lone runner leaves: nothing created twice, nothing missing
  expect((await runCli(['up'], { DATABASE_URL: alone.url })).code).toBe(0);
  expect(await catalogSnapshot(crowd)).toEqual(await catalogSnapshot(alone));
});
