import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { migrationsDir, vectorIndexMigrations } from './support/migrations-dir.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

it('a long CREATE INDEX logs heartbeats with its phase and growing block counts', async () => {
  const dir = migrationsDir(vectorIndexMigrations(4000));
  const result = await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir, MIGRATE_PROGRESS_INTERVAL: '0.3', LOG_FORMAT: 'json' });
  expect(result.code).toBe(0);
  const beats = result.stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((line) => line.msg.startsWith('still running') && line.phase?.startsWith('building index'));
  expect(beats.length).toBeGreaterThanOrEqual(2);
  for (const beat of beats) {
    expect(beat).toMatchObject({ level: 'info', migration: '20260102000000000_vectors_hnsw', index: 'vectors_hnsw', blocks_total: expect.any(Number) });
  }
  const done = beats.map((beat) => beat.blocks_done as number);
  expect(done.at(-1)!).toBeGreaterThan(done[0]!);
  expect(done).toEqual([...done].sort((a, b) => a - b));
});
