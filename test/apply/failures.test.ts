import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogSnapshot } from '../support/catalog.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { runInProcess } from '../support/in-process.ts';
import { HEAD, MIGRATIONS, migrationsDir } from '../support/migrations-dir.ts';

let db: TestDatabase;
beforeEach(async () => {
  db = await freshDatabase();
});
afterEach(() => db.drop());

const ledger = () =>
  db.query(
    'select m.name, c.checksum from pgmigrations m left join pgmigrations_checksums c using (name) order by m.id',
  );

describe('a failing migration', () => {
  it('leaves the database exactly as before it, reports file, statement and PostgreSQL message, exit 1', async () => {
    const dir = migrationsDir({});
    expect((await runInProcess(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })).code).toBe(0);
    await db.query(`insert into events (content) values ('{"kept": true}')`);
    const schemaBefore = await catalogSnapshot(db, { withLedger: true });
    const ledgerBefore = await ledger();

    writeFileSync(
      join(dir, '20270101000000000_good.sql'),
      '-- Up Migration\ncreate table good_one (id int);\n-- Down Migration\ndrop table good_one;\n',
    );
    writeFileSync(
      join(dir, '20270102000000000_broken.sql'),
      '-- Up Migration\ncreate table half_done (id int);\ndelete from events;\ninsert into no_such_table values (1);\n',
    );
    const result = await runInProcess(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('migration 20270102000000000_broken failed and was rolled back');
    expect(result.stderr).toContain(`file: ${join(dir, '20270102000000000_broken.sql')}`);
    expect(result.stderr).toContain('insert into no_such_table values (1);');
    expect(result.stderr).toContain('postgres: relation "no_such_table" does not exist (SQLSTATE 42P01)');

    // the good migration before it stays applied, with its checksum; the broken one left nothing
    const after = await catalogSnapshot(db, { withLedger: true });
    expect(after).toContain('column good_one.id');
    expect(after).not.toContain('half_done');
    expect(after.replace(/\ncolumn good_one\.id[^\n]*/, '')).toEqual(schemaBefore);
    expect(await ledger()).toEqual([
      ...ledgerBefore,
      { name: '20270101000000000_good', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(await db.query('select content from events')).toEqual([{ content: { kept: true } }]);
    expect(
      (
        await db.query(
          'select count(*)::int as n from pg_locks where locktype = $1 and database = (select oid from pg_database where datname = current_database())',
          ['advisory'],
        )
      )[0],
    ).toEqual({ n: 0 });
  });

  it('that does not load stops everything before anything is applied (exit 3)', async () => {
    const dir = migrationsDir({ '20270101000000000_bad.ts': 'export function up(pgm) { pgm.sql("select 1") ' });
    const result = await runInProcess(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('migration 20270101000000000_bad does not parse');
    expect(
      await db.query(
        `select count(*)::int as n from pg_tables where schemaname = 'public' and tablename <> 'pgmigrations'`,
      ),
    ).toEqual([{ n: 0 }]);
  });
});

describe('checksums', () => {
  it('an edited applied migration is exit 6 naming the file, until `repair` accepts it', async () => {
    const dir = migrationsDir({
      '20270101000000000_note.sql':
        '-- Up Migration\ncreate table note (id int);\n-- Down Migration\ndrop table note;\n',
    });
    expect((await runInProcess(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })).code).toBe(0);
    writeFileSync(
      join(dir, '20270101000000000_note.sql'),
      '-- Up Migration\ncreate table note (id bigint);\n-- Down Migration\ndrop table note;\n',
    );

    for (const command of ['up', 'verify']) {
      const result = await runInProcess([command], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
      expect(result.code, command).toBe(6);
      expect(result.stderr).toContain(
        `20270101000000000_note: applied, but ${join(dir, '20270101000000000_note.sql')} has changed since`,
      );
    }
    const status = JSON.parse(
      (await runInProcess(['status', '--json'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })).stdout,
    );
    expect(status.applied.at(-1)).toMatchObject({ name: '20270101000000000_note', checksum: 'changed' });

    const repair = await runInProcess(['repair', '20270101000000000_note'], {
      DATABASE_URL: db.url,
      MIGRATIONS_DIR: dir,
    });
    expect(repair.code).toBe(0);
    expect(repair.stdout).toContain('accepted: 20270101000000000_note');
    expect((await runInProcess(['verify'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })).code).toBe(0);
  });

  it('migrations applied before checksums existed get them recorded, not flagged', async () => {
    expect((await runInProcess(['up'], { DATABASE_URL: db.url })).code).toBe(0);
    await db.query('drop table pgmigrations_checksums'); // as plain node-pg-migrate would have left it
    expect((await runInProcess(['verify'], { DATABASE_URL: db.url })).code).toBe(0);
    const result = await runInProcess(['up'], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `recorded checksums of ${MIGRATIONS.length} migrations applied before checksums were kept`,
    );
    expect((await db.query('select count(*)::int as n from pgmigrations_checksums'))[0]).toEqual({
      n: MIGRATIONS.length,
    });
  });

  it('an applied migration missing from disk means the database is ahead: up and verify exit 6, down explains', async () => {
    const dir = migrationsDir({
      '20270101000000000_newer.sql':
        '-- Up Migration\ncreate table newer (id int);\n-- Down Migration\ndrop table newer;\n',
    });
    expect((await runInProcess(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })).code).toBe(0);
    rmSync(join(dir, '20270101000000000_newer.sql')); // an older image
    const up = await runInProcess(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    expect(up.code).toBe(6);
    expect(up.stderr).toContain('the database is ahead of these migrations');
    expect(up.stderr).toContain('20270101000000000_newer: applied on');
    expect((await runInProcess(['verify'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })).code).toBe(6);
    const down = await runInProcess(['down', '--count', '1', '--yes'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    expect(down.code).toBe(6);
    expect(down.stderr).toContain('20270101000000000_newer was applied by a newer image; run down with that image');
  });

  it('a new migration that sorts before applied ones is refused unless --allow-out-of-order', async () => {
    const dir = migrationsDir({ '20270201000000000_later.sql': '-- Up Migration\ncreate table later (id int);\n' });
    expect((await runInProcess(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })).code).toBe(0);
    writeFileSync(
      join(dir, '20270101000000000_from_other_branch.sql'),
      '-- Up Migration\ncreate table other_branch (id int);\n',
    );
    const refused = await runInProcess(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain('20270101000000000_from_other_branch is not applied, but a later migration is');
    const allowed = await runInProcess(['up', '--allow-out-of-order'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    expect(allowed.code).toBe(0);
    expect(await db.query(`select to_regclass('other_branch')::text as t`)).toEqual([{ t: 'other_branch' }]);
  });
});

describe('the migrations directory', () => {
  const cases: [string, () => string, string][] = [
    ['missing', () => '/nonexistent/migrations', 'MIGRATIONS_DIR /nonexistent/migrations does not exist'],
    ['empty', () => migrationsDir({}, { shipped: false }), 'holds no migrations'],
    ['holding a stray file', () => migrationsDir({ 'README.md': '# notes' }), 'README.md: not a migration'],
    [
      'with a name without a number',
      () => migrationsDir({ 'add_things.sql': 'select 1;' }),
      'add_things.sql: a migration name must start with its number or timestamp',
    ],
    [
      'with a duplicate timestamp',
      () => migrationsDir({ '20251002000000000_other.sql': 'select 1;' }),
      'share the number 20251002000000000',
    ],
    [
      'with one name twice',
      () => migrationsDir({ '20251002000000000_code-chunks.sql': 'select 1;' }),
      'are the same migration 20251002000000000_code-chunks',
    ],
  ];
  for (const [what, dir, message] of cases) {
    it(`${what}: exit 3 before connecting`, async () => {
      // an unreachable database proves nothing was attempted
      const result = await runInProcess(['up'], {
        POSTGRES_HOST: '127.0.0.1',
        POSTGRES_PORT: '1',
        MIGRATIONS_DIR: dir(),
      });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(message);
    });
  }
});

describe('vector dimensions', () => {
  it('up refuses (exit 6) when the columns do not have EMBEDDING_DIMENSION', async () => {
    // an empty database: refused before anything is written (3, test/commands/up.test.ts); at head: 6
    expect((await runInProcess(['up'], { DATABASE_URL: db.url })).code).toBe(0);
    const result = await runInProcess(['up'], {
      DATABASE_URL: db.url,
      EMBEDDING_DIMENSION: '384',
      CODE_EMBEDDING_DIMENSION: '384',
    });
    expect(result.code).toBe(6);
    // every vector and halfvec column the chain made, counted from the catalog itself
    const columns = await db.query<{ name: string }>(
      `select format('%s.%s', a.attrelid::regclass, a.attname) as name from pg_attribute a join pg_class c on c.oid = a.attrelid
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and not a.attisdropped
          and a.atttypid in ('vector'::regtype, 'halfvec'::regtype) order by 1`,
    );
    expect(columns.length).toBeGreaterThan(3);
    expect(result.stderr).toContain(`${columns.length} vector columns do not have EMBEDDING_DIMENSION = 384`);
    for (const { name } of columns)
      expect(result.stderr).toContain(`public.${name.replace(/^public\./, '')} has 768 dimensions`);
    expect(result.stderr).toContain('public.events.embedding has 768 dimensions');
    expect(result.stderr).toContain('public.memories.embedding_half has 768 dimensions');
    // the same check runs on the no-op path and in verify
    expect(
      (
        await runInProcess(['up'], {
          DATABASE_URL: db.url,
          EMBEDDING_DIMENSION: '384',
          CODE_EMBEDDING_DIMENSION: '384',
        })
      ).code,
    ).toBe(6);
    expect(
      (
        await runInProcess(['verify'], {
          DATABASE_URL: db.url,
          EMBEDDING_DIMENSION: '384',
          CODE_EMBEDDING_DIMENSION: '384',
        })
      ).code,
    ).toBe(6);
    expect((await runInProcess(['verify'], { DATABASE_URL: db.url })).code).toBe(0);
  });
});

describe('a concurrent index build cut half-way', () => {
  it('leaves an invalid index that status and verify report, and the rerun rebuilds it', async () => {
    expect((await runInProcess(['up'], { DATABASE_URL: db.url })).code).toBe(0);
    expect(
      (await runInProcess(['down', '--to', '20251002000000000_code-chunks', '--yes'], { DATABASE_URL: db.url })).code,
    ).toBe(0);
    // a build that failed half-way under the migration's index name leaves it INVALID
    await db.query(
      `insert into code_chunks (file_path, language, chunk_type, source_code) values ('same.py', 'py', 'f', 'a'), ('same.py', 'py', 'f', 'b')`,
    );
    await expect(
      db.query('create unique index concurrently idx_code_embedding_text on code_chunks (file_path)'),
    ).rejects.toThrow(/could not create unique index/);

    const status = JSON.parse((await runInProcess(['status', '--json'], { DATABASE_URL: db.url })).stdout);
    expect(status.anomalies).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^index idx_code_embedding_text is invalid \(an interrupted CREATE INDEX CONCURRENTLY\): up reruns the migration/,
        ),
      ]),
    );
    expect((await runInProcess(['verify'], { DATABASE_URL: db.url })).code).toBe(7);

    const rerun = await runInProcess(['up'], { DATABASE_URL: db.url });
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain('invalid index idx_code_embedding_text');
    expect(
      await db.query(
        `select i.indisvalid, am.amname from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam where c.relname = 'idx_code_embedding_text'`,
      ),
    ).toEqual([{ indisvalid: true, amname: 'hnsw' }]);
    expect((await runInProcess(['verify'], { DATABASE_URL: db.url })).stdout).toContain(HEAD);
  });

  it('a non-transactional migration that fails says what stays applied and names the invalid index', async () => {
    const dir = migrationsDir({
      '20270101000000000_unique_file.ts': `export function up(pgm) {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS code_chunks_file_unique');
  pgm.sql('CREATE UNIQUE INDEX CONCURRENTLY code_chunks_file_unique ON code_chunks (file_path)');
}
export function down(pgm) { pgm.noTransaction(); pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS code_chunks_file_unique'); }
`,
    });
    expect((await runInProcess(['up'], { DATABASE_URL: db.url })).code).toBe(0);
    await db.query(
      `insert into code_chunks (file_path, language, chunk_type, source_code) values ('same.py', 'py', 'f', 'a'), ('same.py', 'py', 'f', 'b')`,
    );
    const failed = await runInProcess(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('migration 20270101000000000_unique_file failed');
    expect(failed.stderr).not.toContain('rolled back');
    expect(failed.stderr).toContain('this migration runs outside a transaction');
    expect(failed.stderr).toContain('invalid indexes left behind: code_chunks_file_unique');

    await db.query(`delete from code_chunks where source_code = 'b'`);
    expect((await runInProcess(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })).code).toBe(0);
    expect(
      await db.query(`select indisvalid from pg_index where indexrelid = 'code_chunks_file_unique'::regclass`),
    ).toEqual([{ indisvalid: true }]);
  });
});
