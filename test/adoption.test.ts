import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from './support/in-process.ts';
import { catalogSnapshot } from './support/catalog.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { ALEMBIC_CODE_CHUNKS, alembicAt, createLegacyDatabase } from './support/legacy.ts';
import { BASELINE, HEAD, migrationsDir } from './support/migrations-dir.ts';

let db: TestDatabase;
beforeEach(async () => {
  db = await freshDatabase();
});
afterEach(() => db.drop());

const rowCounts = async () =>
  (await db.query<{ events: number; nodes: number; edges: number }>(
    'select (select count(*) from events)::int as events, (select count(*) from nodes)::int as nodes, (select count(*) from edges)::int as edges',
  ))[0];

describe('a legacy database (init scripts, no history)', () => {
  it('is adopted by a verified stamp of the baseline, then brought to head with every row kept', async () => {
    await createLegacyDatabase(db);
    const eventsBefore = await db.query('select * from events order by id');
    const result = await runInProcess(['up'], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`stamped ${BASELINE} without running it: existing schema matches baseline ${BASELINE}`);
    expect(result.stderr).not.toContain(`applying ${BASELINE}`);
    expect(result.stderr).toContain(`applied ${HEAD}`);
    expect(await rowCounts()).toEqual({ events: 25, nodes: 1, edges: 1 });
    expect(await db.query('select * from events order by id')).toEqual(eventsBefore);
    expect((await runInProcess(['verify'], { DATABASE_URL: db.url })).code).toBe(0);
  });

  it('ends with the same schema as a database the migrations created', async () => {
    await createLegacyDatabase(db);
    expect((await runInProcess(['up'], { DATABASE_URL: db.url })).code).toBe(0);
    const fresh = await freshDatabase();
    try {
      expect((await runInProcess(['up'], { DATABASE_URL: fresh.url })).code).toBe(0);
      expect(await catalogSnapshot(db)).toEqual(await catalogSnapshot(fresh));
    } finally {
      await fresh.drop();
    }
  });

  it('is refused (exit 6) when events.embedding is not vector(768), listing what differs, and nothing is written', async () => {
    await createLegacyDatabase(db, (sql) => sql.replace('VECTOR(768)', 'VECTOR(384)').replace('ARRAY[768]', 'ARRAY[384]').replace('CREATE INDEX IF NOT EXISTS nodes_type_idx ON nodes (node_type);', ''));
    const before = await catalogSnapshot(db, { withLedger: true });
    const result = await runInProcess(['up'], { DATABASE_URL: db.url });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('do not match the baseline');
    expect(result.stderr).toContain('column events.embedding is vector(384), expected vector(768)');
    expect(result.stderr).toContain('index nodes_type_idx is missing');
    expect(await catalogSnapshot(db, { withLedger: true })).toEqual(before);
  });

  it('is refused when it holds unrelated tables', async () => {
    await db.query('create table invoices (id int primary key)');
    const result = await runInProcess(['up'], { DATABASE_URL: db.url });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('public.invoices');
    expect(result.stderr).toContain('table events is missing');
  });
});

describe('a database managed by Alembic', () => {
  it('at the baseline revision: stamps the baseline, warns about Alembic, applies the rest', async () => {
    await createLegacyDatabase(db);
    await alembicAt(db, '9dde1f9db172');
    const result = await runInProcess(['up'], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Alembic revision 9dde1f9db172 maps to ' + BASELINE);
    expect(result.stderr).toMatch(/do not run Alembic against it any more/);
    expect(result.stderr).toContain('applying 20251002000000000_code-chunks');
    expect(await rowCounts()).toEqual({ events: 25, nodes: 1, edges: 1 });
  });

  it('at a40a6de7d379 (code_chunks): stamps every migration up to it after checking the objects', async () => {
    await createLegacyDatabase(db);
    await db.query(ALEMBIC_CODE_CHUNKS);
    await alembicAt(db, 'a40a6de7d379');
    const result = await runInProcess(['up'], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`maps to ${HEAD}`);
    expect(result.stderr).not.toMatch(/^applying/m);
    const ledger = await db.query<{ name: string }>('select name from pgmigrations order by id');
    expect(ledger).toHaveLength(4);
    expect((await db.query<{ n: number }>('select count(*)::int as n from code_chunks'))[0]!.n).toBe(1);
  });

  it('at a40a6de7d379 but without code_chunks: refused, naming what is missing', async () => {
    await createLegacyDatabase(db);
    await alembicAt(db, 'a40a6de7d379');
    const result = await runInProcess(['up'], { DATABASE_URL: db.url });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('table code_chunks is missing');
    expect(result.stderr).toContain('index idx_code_embedding_code is missing');
    expect(await db.query(`select to_regclass('pgmigrations') as t`)).toEqual([{ t: null }]);
  });

  it('at an unknown revision: refused, naming it', async () => {
    await createLegacyDatabase(db);
    await alembicAt(db, 'b1c2d3e4f5a6');
    const result = await runInProcess(['up'], { DATABASE_URL: db.url });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('unknown Alembic revision b1c2d3e4f5a6');
    expect(result.stderr).toContain('9dde1f9db172');
  });
});

describe('a migrations directory without a baseline', () => {
  it('behaves like plain node-pg-migrate on a database that has tables', async () => {
    await db.query('create table existing (id int)');
    const dir = migrationsDir({ '1_add.sql': '-- Up Migration\nalter table existing add column note text;\n-- Down Migration\nalter table existing drop column note;' }, { shipped: false });
    const result = await runInProcess(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    expect(result.code).toBe(0);
    expect(await db.query(`select column_name from information_schema.columns where table_name = 'existing' order by 1`)).toEqual([
      { column_name: 'id' },
      { column_name: 'note' },
    ]);
  });
});

describe('stamp', () => {
  it('records up to the named migration after checking what they declare, and refuses when objects are missing', async () => {
    await createLegacyDatabase(db);
    const refused = await runInProcess(['stamp', '20251002000000000_code-chunks'], { DATABASE_URL: db.url });
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain('20251002000000000_code-chunks: table code_chunks is missing');

    const ok = await runInProcess(['stamp', BASELINE], { DATABASE_URL: db.url });
    expect(ok.code).toBe(0);
    expect(await db.query('select name from pgmigrations')).toEqual([{ name: BASELINE }]);
    expect((await runInProcess(['stamp', 'no_such_migration'], { DATABASE_URL: db.url })).code).toBe(2);
  });
});
