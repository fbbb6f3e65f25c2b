// A crowd: 50 runners (a large rollout, every pod running `up`) against a
// PostgreSQL started with max_connections = 30, fewer than the runners. Those
// refused ("too many clients") wait and retry; all exit 0, each migration once.
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { catalogSnapshot } from '../support/catalog.ts';
import { runCli, startCli, waitForOutput } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { HEAD, MIGRATIONS } from '../support/migrations-dir.ts';

const RUNNERS = 50;
const MAX_CONNECTIONS = 30;
/** node-pg-migrate's key for public.pgmigrations, which ours keeps for that table */
const LOCK_KEY = '7241865325823964';

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
  timeout: 600_000,
}, async () => {
  expect(await crowd.query('show max_connections')).toEqual([{ max_connections: String(MAX_CONNECTIONS) }]);
  // The limit is hit by construction, not by timing: the test holds the migration lock, so
  // every runner that gets a connection keeps it while it waits; the others are turned away.
  const holder = new pg.Client({ connectionString: crowd.url, application_name: 'lock-holder-probe' });
  await holder.connect();
  await holder.query('select pg_advisory_lock($1)', [LOCK_KEY]);
  const env = { LOG_LEVEL: 'debug', DATABASE_URL: crowd.url, MIGRATE_WAIT_TIMEOUT: '400', MIGRATE_LOCK_TIMEOUT: '400' };
  const runners = Array.from({ length: RUNNERS }, () => startCli(['up'], env));
  try {
    const waiting = /another runner holds the migration lock|too many clients/;
    await Promise.all(runners.map(({ child }) => waitForOutput(child, waiting, 400_000)));
  } finally {
    await holder.end();
  }
  const results = await Promise.all(runners.map(({ done }) => done));

  // when some fail, what the runner that took the lock was doing says why
  const worker = results.find((result) => /migrations? to apply/.test(result.stderr));
  expect(
    results.filter((result) => result.code !== 0).map((result) => result.stderr),
    `the runner that applied: ${worker?.stderr ?? 'none'}`,
  ).toEqual([]);
  const refused = results.filter((result) => result.stderr.includes('too many clients'));
  expect(refused.length).toBeGreaterThanOrEqual(RUNNERS - MAX_CONNECTIONS);
  expect(results.filter((result) => result.stderr.includes(`applied ${HEAD}`))).toHaveLength(1);

  const ledger = await crowd.query<{ name: string; n: number }>(
    'select name, count(*)::int as n from pgmigrations group by name order by name',
  );
  expect(ledger).toEqual([...MIGRATIONS].sort().map((name) => ({ name, n: 1 })));
  // the catalog one lone runner leaves: nothing created twice, nothing missing
  expect((await runCli(['up'], { DATABASE_URL: alone.url })).code).toBe(0);
  expect(await catalogSnapshot(crowd)).toEqual(await catalogSnapshot(alone));
});
