// A real restart of PostgreSQL (its container killed and started again, crash
// recovery included) in the middle of a long step — a CREATE INDEX CONCURRENTLY,
// a batched backfill: the run fails with exit 4, and the next run resumes where
// the chain stopped, each migration applied once, no row lost or filled twice.
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { catalogSnapshot } from '../support/catalog.ts';
import { runCli, startCli, waitForOutput } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { BACKFILL_MIGRATION, HELD_AT, heldBackfill, ROWS } from '../support/held-backfill.ts';
import { heldIndexBuild, INDEX_MIGRATION } from '../support/held-index-build.ts';
import { withClient } from '../support/with-client.ts';

let server: StartedPostgreSqlContainer;
beforeAll(async () => {
  server = await new PostgreSqlContainer(process.env.TEST_PG_IMAGE ?? 'pgvector/pgvector:pg18')
    .withStartupTimeout(170_000)
    .start();
}, 180_000);
afterAll(() => server?.stop());

// the mapped port may change with the restart: the database's URL is read again
const urlOf = (name: string) => {
  const url = new URL(server.getConnectionUri());
  url.pathname = `/${name}`;
  return url.toString();
};
const on = (name: string): TestDatabase => ({
  url: urlOf(name),
  name,
  query: (sql, values) => withClient(urlOf(name), async (c) => (await c.query(sql, values)).rows),
  drop: async () => undefined,
});

it('restarted during CREATE INDEX CONCURRENTLY: exit 4, then the rerun rebuilds the index; nothing applied twice, nothing lost', {
  timeout: 300_000,
}, async () => {
  const db = await freshDatabase(server.getConnectionUri());
  const build = await heldIndexBuild(db);
  const env = () => ({
    DATABASE_URL: on(db.name).url,
    MIGRATIONS_DIR: build.dir,
    MIGRATE_PROGRESS_INTERVAL: '0.2',
    MIGRATE_DDL_LOCK_TIMEOUT: '0',
  });
  const { child, done } = startCli(['up'], env());
  // the build has created its index (invalid) and waits for the test's open write
  await waitForOutput(child, `still running ${INDEX_MIGRATION}: `, 60_000);
  const index = () =>
    on(db.name).query<{ valid: boolean }>(
      `select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname like 'vectors_hnsw%'`,
    );
  await expect.poll(index, { timeout: 10_000, interval: 50 }).toEqual([{ valid: false }]);
  // The runner commits asynchronously (apply-migrations.ts): the index's catalog row may not be on disk yet, and a
  // crash would lose it (then the rerun just builds it). A synchronous commit of ours flushes the WAL up to it.
  await on(db.name).query('select pg_current_xact_id()');
  await server.restart(); // docker restart -t 0: PostgreSQL is killed, then recovers from its WAL
  const cut = await done;
  expect(cut.code, cut.stderr).toBe(4);
  expect(cut.stderr).toContain('lost the connection to');
  expect(cut.stderr).toContain(`during ${INDEX_MIGRATION}`);

  const after = on(db.name);
  // the interrupted build's leftover, invalid; under load seen lost in crash recovery too (runs 2 of 5,
  // cause not found), and then the rerun simply builds it: either way nothing valid is left half-built
  const leftover = await index();
  expect([[{ valid: false }], []]).toContainEqual(leftover);
  expect(await after.query('select name from pgmigrations where name = $1', [INDEX_MIGRATION])).toEqual([]);

  const rerun = await runCli(['up'], { ...env(), MIGRATE_LOCK_TIMEOUT: '30' });
  expect(rerun.code, rerun.stderr).toBe(0);
  if (leftover.length > 0) expect(rerun.stderr).toContain('invalid index vectors_hnsw');
  expect(rerun.stderr).toContain(`applied ${INDEX_MIGRATION}`);
  expect(await index()).toEqual([{ valid: true }]);
  expect(
    await after.query<{ name: string; n: number }>(
      'select name, count(*)::int as n from pgmigrations group by name order by name',
    ),
  ).toEqual([
    { name: '20270101000000000_vectors', n: 1 },
    { name: INDEX_MIGRATION, n: 1 },
  ]);
  // the rows the applied migration wrote all survived; the test's own uncommitted row did not
  expect(await after.query('select count(*)::int as n, min(id) as lo, max(id) as hi from vectors')).toEqual([
    { n: 100, lo: 1, hi: 100 },
  ]);
  const settled = await catalogSnapshot(after, { withLedger: true });
  expect((await runCli(['up'], env())).code).toBe(0);
  expect(await catalogSnapshot(after, { withLedger: true })).toEqual(settled);
});

it('restarted during a batched backfill: exit 4, then the rerun fills only the rows still pending, each row once', {
  timeout: 300_000,
}, async () => {
  const db = await freshDatabase(server.getConnectionUri());
  const held = await heldBackfill({ ...on(db.name), url: db.url });
  const env = () => ({ DATABASE_URL: on(db.name).url, MIGRATIONS_DIR: held.dir });
  const { done } = startCli(['up'], env());
  // batches before row HELD_AT committed; the one holding it waits at the test's gate
  await expect.poll(held.waiting, { timeout: 60_000, interval: 100 }).toBe(true);
  const before = await held.filled();
  expect(before).toBeGreaterThan(0);
  expect(before).toBeLessThan(HELD_AT);
  await server.restart();
  const cut = await done;
  expect(cut.code, cut.stderr).toBe(4);
  expect(cut.stderr).toContain(`during ${BACKFILL_MIGRATION}`);

  // commits are asynchronous during a run (apply-migrations.ts), so the crash may take the last batches with it:
  // whatever survived was filled once, and the rest is still pending
  const survived = await held.filled();
  expect(survived).toBeLessThanOrEqual(before);
  expect(await held.fills()).toEqual(survived === 0 ? { 0: ROWS } : { 0: ROWS - survived, 1: survived });
  await held.open();
  const rerun = await runCli(['up'], env());
  expect(rerun.code, rerun.stderr).toBe(0);
  expect(rerun.stderr).toContain(`filled ${ROWS - survived} rows of items in `);
  expect(await held.fills()).toEqual({ 1: ROWS });
  expect(await on(db.name).query('select name from pgmigrations where name = $1', [BACKFILL_MIGRATION])).toHaveLength(
    1,
  );
});
