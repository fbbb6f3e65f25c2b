import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogSnapshot } from '../support/catalog.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { runInProcess } from '../support/in-process.ts';
import { BASELINE, HEAD, MIGRATIONS } from '../support/migrations-dir.ts';

let db: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  db = await freshDatabase();
  env = { DATABASE_URL: db.url };
});
afterAll(() => db.drop());

describe('an embedding dimension the migrations do not make', () => {
  it('is refused (3) before anything is written, blaming only the variables set, saying what to do', async () => {
    const empty = await freshDatabase();
    try {
      const both = await runInProcess(['up'], {
        DATABASE_URL: empty.url,
        EMBEDDING_DIMENSION: '1024',
        CODE_EMBEDDING_DIMENSION: '1024',
      });
      expect(both.code).toBe(3);
      expect(both.stderr).toContain(
        'EMBEDDING_DIMENSION=1024 and CODE_EMBEDDING_DIMENSION=1024, but the migrations make vector columns of 768 dimensions; nothing was written',
      );
      expect(both.stderr).toContain('add a migration of your own that changes each of these columns');
      expect(
        await empty.query(`select to_regclass('pgmigrations') as ledger, to_regclass('events') as events`),
      ).toEqual([{ ledger: null, events: null }]);

      const one = await runInProcess(['up'], { DATABASE_URL: empty.url, EMBEDDING_DIMENSION: '1024' });
      expect(one.code).toBe(3);
      expect(one.stderr).toContain('EMBEDDING_DIMENSION=1024, but the migrations make vector columns of 768');
      expect(one.stderr).not.toContain('CODE_EMBEDDING_DIMENSION');
    } finally {
      await empty.drop();
    }
  });
});

describe('an empty database', () => {
  it('is brought to head by up, running the baseline', async () => {
    const result = await runInProcess(['up'], env);
    expect(result.stderr).toContain(`applying ${BASELINE}`);
    expect(result.code).toBe(0);
    const applied = await db.query<{ name: string }>('select name from pgmigrations order by id');
    expect(applied.map((r) => r.name)).toEqual(MIGRATIONS);
    expect(applied[0]!.name).toBe(BASELINE);
    const checksums = await db.query<{ n: number }>(
      `select count(*)::int as n from pgmigrations_checksums where checksum ~ '^[0-9a-f]{64}$'`,
    );
    expect(checksums[0]!.n).toBe(MIGRATIONS.length);
    const schema = await catalogSnapshot(db);
    for (const expected of [
      'column events.embedding vector(768) null default -',
      'column code_chunks.embedding_code vector(768) null default -',
      'column memories.embedding_half halfvec(768) null default -',
      'extension pg_trgm',
      "index CREATE INDEX idx_code_embedding_text ON public.code_chunks USING hnsw (embedding_text vector_cosine_ops) WITH (m='16', ef_construction='64')",
      'index CREATE INDEX idx_memories_last_outcome ON public.memories USING btree (last_outcome_at) WHERE (last_outcome_at IS NOT NULL)',
      'column partitioning_readiness.total_events bigint null default -',
    ]) {
      expect(schema).toContain(expected);
    }
  });

  it('is a no-op on a second run, with exit 0', async () => {
    const before = await db.query('select * from pgmigrations order by id');
    const result = await runInProcess(['up'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`database is up to date at ${HEAD}`);
    expect(await db.query('select * from pgmigrations order by id')).toEqual(before);
  });

  it('answers the no-op from one quick look, without a session, once up has found the schema as the migrations make it', async () => {
    const before = await db.query('select * from pgmigrations order by id');
    const result = await runInProcess(['up'], { ...env, LOG_LEVEL: 'debug' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`database is up to date at ${HEAD}\n`);
    expect(await db.query('select * from pgmigrations order by id')).toEqual(before);
  });

  it('on a schema changed by hand, warns with the lines verify gives, and exits 0 (nothing is pending)', async () => {
    await db.query('drop index idx_memories_fresh');
    try {
      const result = await runInProcess(['up'], { ...env, LOG_LEVEL: 'debug' });
      expect(result.stderr).toContain('the schema was not checked at this catalog; opening a session');
      expect(result.code).toBe(0);
      const verify = await runInProcess(['verify'], env);
      expect(verify.code).toBe(6);
      const line =
        'missing: index public.memories.idx_memories_fresh: CREATE INDEX idx_memories_fresh ON public.memories USING btree (consumed_at) WHERE (consumed_at IS NULL)';
      expect(verify.stderr).toContain(line);
      expect(result.stderr).toContain(
        `the schema is not what the migrations up to ${HEAD} make (\`verify\` fails on it):`,
      );
      expect(result.stderr).toContain(line);
      // a schema that differs is never recorded as checked: the next start compares again
      expect((await runInProcess(['up'], env)).stderr).toContain(line);
    } finally {
      await db.query('create index idx_memories_fresh on memories (consumed_at) where consumed_at is null');
    }
    const fixed = await runInProcess(['up'], { ...env, LOG_LEVEL: 'debug' });
    expect(fixed.stderr).not.toContain('the schema is not what');
    expect(fixed.stderr).toContain('opening a session');
    expect((await runInProcess(['up'], { ...env, LOG_LEVEL: 'debug' })).stderr).toBe(
      `database is up to date at ${HEAD}\n`,
    );
  });

  it('verifies, reports status, current and history', async () => {
    const verify = await runInProcess(['verify'], env);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`ok: database is at ${HEAD}`);

    const status = await runInProcess(['status', '--json'], env);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(parsed.applied).toHaveLength(MIGRATIONS.length);
    expect(parsed.applied.every((row: { checksum: string }) => row.checksum === 'ok')).toBe(true);
    expect(parsed).toMatchObject({ pending: [], anomalies: [], table: 'public.pgmigrations' });

    expect((await runInProcess(['current'], env)).stdout.trim()).toBe(HEAD);
    const history = await runInProcess(['history'], env);
    expect(history.stdout.trim().split('\n')).toHaveLength(MIGRATIONS.length);
    expect(history.stdout).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT.*  ${BASELINE}$`, 'm'));
  });

  it('writes JSON log lines with migration and duration when LOG_FORMAT=json', async () => {
    const other = await freshDatabase();
    try {
      const result = await runInProcess(['up'], { DATABASE_URL: other.url, LOG_FORMAT: 'json' });
      expect(result.code).toBe(0);
      const lines = result.stderr
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const applied = lines.filter((line) => line.msg.startsWith('applied '));
      expect(applied.map((line) => line.migration)).toEqual(MIGRATIONS);
      for (const line of applied) {
        expect(line).toMatchObject({ level: 'info', migration: expect.any(String), duration_ms: expect.any(Number) });
      }
    } finally {
      await other.drop();
    }
  });
});
