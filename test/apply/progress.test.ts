import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, waitForOutput } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { BACKFILL_MIGRATION, heldBackfill, ROWS } from '../support/held-backfill.ts';
import { heldIndexBuild, INDEX_MIGRATION } from '../support/held-index-build.ts';
import { migrationsDir } from '../support/migrations-dir.ts';

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

/** within a second, and 5 % for the rounding of the rate */
const nearly = (seconds: number, expected: number) => Math.abs(seconds - expected) <= 1 + 0.05 * expected;

const jsonLines = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

it('an index build reports phase, percent, rate and time left from consecutive samples of the same phase', async () => {
  // each row's key takes the server 10 ms to compute, one row a block: the table scan lasts about 3 s
  const dir = migrationsDir(
    {
      '20270101000000000_slow.sql':
        '-- Up Migration\ncreate table slow (id int, pad text) with (fillfactor = 10);\n' +
        "insert into slow select i, repeat('x', 1000) from generate_series(1, 300) i;\n" +
        'create function slow_key(i int) returns int language plpgsql immutable as $$ begin perform pg_sleep(0.01); return i; end $$;\n',
      '20270101000001000_slow_index.sql': '-- Up Migration\ncreate index slow_idx on slow (slow_key(id));\n',
    },
    { shipped: false },
  );
  const other = await freshDatabase();
  try {
    const result = await runCli(['up'], {
      DATABASE_URL: other.url,
      MIGRATIONS_DIR: dir,
      MIGRATE_PROGRESS_INTERVAL: '0.2',
      LOG_FORMAT: 'json',
    });
    expect(result.code).toBe(0);
    const scans = jsonLines(result.stderr).filter(
      (line) => line.msg.startsWith('still running') && line.phase === 'building index: scanning table',
    );
    expect(scans.length).toBeGreaterThanOrEqual(3);
    for (const beat of scans) {
      expect(beat.blocks_total).toBe(300); // one row a block
      expect(beat.percent).toBeGreaterThanOrEqual(0);
      expect(beat.percent).toBeLessThanOrEqual(100);
      expect(beat.percent).toBe(Math.floor((100 * beat.blocks_done) / beat.blocks_total));
    }
    const percents = scans.map((beat) => beat.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    // the first sample of the phase has nothing to measure a rate against; later ones do
    expect(scans[0].rate).toBeUndefined();
    const timed = scans.filter((beat) => beat.remaining_s !== undefined);
    expect(timed.length).toBeGreaterThanOrEqual(1);
    for (const beat of timed) {
      expect(beat).toMatchObject({ unit: 'blocks', rate: expect.any(Number) });
      expect(beat.rate).toBeGreaterThan(0);
      // what is left at that rate (which is rounded in the line)
      expect(nearly(beat.remaining_s, (beat.blocks_total - beat.blocks_done) / beat.rate)).toBe(true);
    }
  } finally {
    await other.drop();
  }
}, 120_000);

describe('a backfill', () => {
  it('reports rows done out of those pending, percent, rate and time left; as fields in JSON and one line a beat in text', async () => {
    for (const format of ['json', 'text'] as const) {
      const other = await freshDatabase();
      const held = await heldBackfill(other);
      try {
        const { child, done } = startCli(['up'], {
          DATABASE_URL: other.url,
          MIGRATIONS_DIR: held.dir,
          MIGRATE_PROGRESS_INTERVAL: '0.2',
          LOG_FORMAT: format,
        });
        await expect.poll(held.waiting, { timeout: 30_000, interval: 50 }).toBe(true);
        const filled = await held.filled();
        // beats while it waits at the gate: the rows done no longer change
        await waitForOutput(
          child,
          new RegExp(`rows ${filled}/${ROWS}[^\\n]*\\n(?:[^\\n]*\\n)*[^\\n]*rows ${filled}/${ROWS}`),
        );
        await held.open();
        const result = await done;
        expect(result.code).toBe(0);
        if (format === 'text') {
          const beats = result.stderr
            .split('\n')
            .filter((line) => line.startsWith(`still running ${BACKFILL_MIGRATION}`));
          expect(beats.length).toBeGreaterThanOrEqual(2);
          expect(beats).toContainEqual(
            expect.stringMatching(
              new RegExp(
                `^still running ${BACKFILL_MIGRATION}: \\d+ s, backfilling items, rows ${filled}/${ROWS} \\(${Math.floor((100 * filled) / ROWS)}%\\), [\\d.]+ rows/s, about .* left$`,
              ),
            ),
          );
          expect(result.stderr).not.toContain('\r');
          continue;
        }
        const beats = jsonLines(result.stderr).filter((line) => line.msg.startsWith('still running'));
        const held_ = beats.filter((beat) => beat.rows_done === filled);
        expect(held_.length).toBeGreaterThanOrEqual(2);
        for (const beat of held_) {
          expect(beat).toMatchObject({
            level: 'info',
            migration: BACKFILL_MIGRATION,
            phase: 'backfilling items',
            table: 'items',
            rows_total: ROWS,
            percent: Math.floor((100 * filled) / ROWS),
            unit: 'rows',
          });
          expect(beat.rate).toBeGreaterThan(0);
          expect(beat.remaining_s).toBeGreaterThan(0);
          // what is left at the average rate since the start
          expect(nearly(beat.remaining_s, (ROWS - filled) / beat.rate)).toBe(true);
        }
        const percents = beats.map((beat) => beat.percent);
        expect(percents).toEqual([...percents].sort((a, b) => a - b));
      } finally {
        await held.open();
        await other.drop();
      }
    }
  }, 120_000);
});
