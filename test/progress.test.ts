import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCli, waitForOutput } from './support/cli.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { heldIndexBuild, INDEX_MIGRATION } from './support/held-index-build.ts';

let db: TestDatabase;
const watchers = async () =>
  (
    await db.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where application_name = 'mnemolite-migrate (progress)' and datname = current_database()`,
    )
  )[0]!.n;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

it('a CREATE INDEX that cannot finish yet logs heartbeats with its index, phase and what it waits on, from one watcher closed at the end', async () => {
  const build = await heldIndexBuild(db);
  try {
    // no DDL lock timeout: the build waits on the test's transaction for as long as the test holds it
    const env = {
      DATABASE_URL: db.url,
      MIGRATIONS_DIR: build.dir,
      MIGRATE_PROGRESS_INTERVAL: '0.2',
      MIGRATE_DDL_LOCK_TIMEOUT: '0',
      LOG_FORMAT: 'json',
    };
    const { child, done } = startCli(['up'], env);
    await waitForOutput(child, /still running[^\n]*\n(?:[^\n]*\n)*[^\n]*still running/);
    // beats come every 0.2 s, faster than a sample on a loaded machine: still one watcher
    expect(await watchers()).toBeLessThanOrEqual(1);
    await build.release();
    const result = await done; // a leaked watcher connection would keep the process alive
    expect(await watchers()).toBe(0);
    expect(result.code).toBe(0);
    const lines = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const beats = lines.filter((line) => line.msg.startsWith('still running'));
    expect(beats.length).toBeGreaterThanOrEqual(2);
    for (const beat of beats.slice(0, 2)) {
      expect(beat).toMatchObject({
        level: 'info',
        migration: INDEX_MIGRATION,
        index: 'vectors_hnsw',
        phase: 'waiting for writers before build',
        waiting_on: expect.stringMatching(/^Lock:/),
      });
    }
    const elapsed = beats.map((beat) => beat.elapsed_s as number);
    expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));
    expect(lines.some((line) => line.msg === `applied ${INDEX_MIGRATION}`)).toBe(true);
  } finally {
    await build.release();
  }
}, 120_000); // slow on a loaded machine: two processes, one waiting on the test
