// Adoption refuses what it cannot verify, and names what differs; the real states it
// accepts are in mnemolite-states.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { runInProcess } from '../support/in-process.ts';
import { migrationsDir } from '../support/migrations-dir.ts';
import { restoreState } from '../support/mnemolite-fixtures.ts';
import { connectPort } from '../support/postgres-port.ts';
import { withClient } from '../support/with-client.ts';

let db: TestDatabase;
beforeEach(async () => {
  db = await freshDatabase();
});
afterEach(() => db.drop());

const catalog = async () => {
  const port = await connectPort(db.url);
  try {
    return { lines: await port.catalog(), ledger: (await port.readLedger()).exists };
  } finally {
    await port.close();
  }
};
const up = () => runInProcess(['up'], { DATABASE_URL: db.url });

describe('a database without history that the chain cannot bring to head', () => {
  it('a MnemoLite init with an index dropped and a default changed: refused (6), each difference listed, nothing written', async () => {
    await restoreState(db.url, 'init');
    await db.query(`drop index nodes_type_idx; alter table edges alter column properties set default '[]'::jsonb`);
    const before = await catalog();
    const result = await up();
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(
      'database has no migration history and 2 objects are in a form this chain cannot bring to head; nothing was changed',
    );
    // each object: what is wrong, the form found, the forms the chain knows, and MnemoLite's files that make the nearest
    expect(result.stderr).toContain('column public.edges.properties: found in a form no migration of the chain makes');
    expect(result.stderr).toContain("found: jsonb null default='[]'::jsonb");
    expect(result.stderr).toContain("known: jsonb null default='{}'::jsonb, after 20251001000000000_baseline");
    expect(result.stderr).toContain(
      'nearest: as 20251001000000000_baseline makes it (db/init/01-extensions.sql, MnemoLite 2b75881 (2025-10-12); db/init/01-init.sql, MnemoLite 2b75881 (2025-10-12))',
    );
    expect(result.stderr).toMatch(
      /index public\.nodes\.nodes_type_idx: 20251001000000000_baseline is partly there: .* this is not/,
    );
    expect(await catalog()).toEqual(before);
  });

  it('another application’s tables: refused, naming them, not taken for an empty database', async () => {
    await db.query('create table invoices (id int primary key)');
    const result = await up();
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(
      'holds nothing this chain makes, but 1 object of its own: not a MnemoLite database',
    );
    expect(result.stderr).toContain('not made by this chain: table public.invoices');
    expect((await catalog()).ledger).toBe(false);
  });

  it('an Alembic revision whose tables are not there: they are applied, and a warning says so', async () => {
    await restoreState(db.url, 'init');
    await db.query(
      `create table alembic_version (version_num varchar(32) primary key); insert into alembic_version values ('a40a6de7d379')`,
    );
    const result = await runInProcess(['up', '--json'], { DATABASE_URL: db.url });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      'alembic_version says a40a6de7d379, but what these 3 migrations make for Alembic revisions up to it is not there, so they are applied: 20251002000000000_code-chunks, 20251002000001000_code-chunks-embedding-text-hnsw, 20251002000002000_code-chunks-embedding-code-hnsw',
    );
    expect(JSON.parse(result.stdout).applied).toContain('20251002000000000_code-chunks');
  });

  it('an unknown Alembic revision: refused, naming it and the known ones', async () => {
    await restoreState(db.url, '9dde1f9db172');
    await db.query(`update alembic_version set version_num = 'b1c2d3e4f5a6'`);
    const result = await up();
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('unknown Alembic revision b1c2d3e4f5a6');
    expect(result.stderr).toContain('9dde1f9db172, a40a6de7d379, b7c2e4f8a901');
  });

  it('migrations without expected catalogs cannot verify a database that has tables: refused', async () => {
    await db.query('create table existing (id int)');
    const dir = migrationsDir(
      {
        '1_add.sql':
          '-- Up Migration\nalter table existing add column note text;\n-- Down Migration\nalter table existing drop column note;',
      },
      { shipped: false },
    );
    const result = await runInProcess(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('1_add has no expected catalog');
    expect(result.stderr).toContain('snapshot');
  });
});

describe('data MnemoLite never checked', () => {
  it('a memory scoped to a project no project row has: up stops at the validation (1) saying what to fix; the rerun finishes', async () => {
    // before MnemoLite's projects table (2025-11-12) its API stored any project id
    await restoreState(db.url, '69a52e3+handsql');
    await db.query(
      `update memories set project_id = '00000000-0000-4000-8000-0000000000aa' where title like 'Decision%'`,
    );
    const failed = await runInProcess(['up'], { DATABASE_URL: db.url });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      'migration 20251020000016000_memories-project-fk-validate failed and was rolled back',
    );
    expect(failed.stderr).toContain(
      'detail: Key (project_id)=(00000000-0000-4000-8000-0000000000aa) is not present in table "projects".',
    );
    expect(failed.stderr).toContain('fix or remove them, then run `up` again');

    await db.query(`update memories set project_id = null where project_id = '00000000-0000-4000-8000-0000000000aa'`);
    const rerun = await runInProcess(['up'], { DATABASE_URL: db.url });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect((await runInProcess(['verify'], { DATABASE_URL: db.url })).code).toBe(0);
  });
});

describe('objects of the operator’s own', () => {
  it('are kept and named in a warning; verify lists them without failing', async () => {
    await restoreState(db.url, '20260404_0000');
    await db.query('create table my_notes (id int primary key, body text)');
    const result = await up();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /warn: \d+ objects? no migration makes \(left as they are\): .*table public\.my_notes/,
    );
    const verify = await runInProcess(['verify'], { DATABASE_URL: db.url });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('table public.my_notes');
    expect(await withClient(db.url, (c) => c.query('select count(*) from my_notes'))).toMatchObject({ rowCount: 1 });
  });
});

describe('stamp', () => {
  it('records up to the named migration after checking the schema is what they make, and refuses otherwise', async () => {
    await restoreState(db.url, 'init');
    const refused = await runInProcess(['stamp', '20251002000000000_code-chunks'], { DATABASE_URL: db.url });
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain(
      'the schema is not what the migrations up to 20251002000000000_code-chunks make; refusing to stamp',
    );
    expect(refused.stderr).toContain('missing: table public.code_chunks');

    const ok = await runInProcess(['stamp', '20251001000002000_indexing-errors'], { DATABASE_URL: db.url });
    expect(ok.code, ok.stderr).toBe(0);
    expect(await db.query('select name from pgmigrations order by id')).toEqual([
      { name: '20251001000000000_baseline' },
      { name: '20251001000002000_indexing-errors' },
    ]);
    expect((await runInProcess(['stamp', 'no_such_migration'], { DATABASE_URL: db.url })).code).toBe(2);
  });
});
