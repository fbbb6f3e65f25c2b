import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlannedMigration } from '../../src/commands/plan.ts';
import { catalogSnapshot } from '../support/catalog.ts';
import { runCli } from '../support/cli.ts';
import { adminUrl, freshDatabase, type TestDatabase } from '../support/database.ts';
import { BASELINE, MIGRATIONS, migrationsDir } from '../support/migrations-dir.ts';
import { restoreState } from '../support/mnemolite-fixtures.ts';
import { withClient } from '../support/with-client.ts';

let db: TestDatabase;
let readOnlyUrl: string;
const role = `planner_${Math.random().toString(36).slice(2, 8)}`;
beforeAll(async () => {
  db = await freshDatabase();
  // a role that cannot write: any write, lock table or CREATE would fail
  await db.query(`create role ${role} login password 'planner-pw'; alter role ${role} set default_transaction_read_only = on;
                  grant select on all tables in schema public to ${role}; alter default privileges in schema public grant select on tables to ${role}`);
  const url = new URL(db.url);
  url.username = role;
  url.password = 'planner-pw';
  readOnlyUrl = url.toString();
});
afterAll(async () => {
  await db.drop();
  await withClient(adminUrl(), (c) => c.query(`drop role if exists ${role}`));
});

// write counters only: plan reads the ledger, so scan counters may move
const writes = () =>
  db.query(`select relname, n_tup_ins, n_tup_upd, n_tup_del, n_live_tup from pg_stat_user_tables order by relname`);

describe('plan', () => {
  it('on an empty database, as a read-only role: every migration, its SQL, transaction and locks; nothing created', async () => {
    const before = await catalogSnapshot(db, { withLedger: true });
    const result = await runCli(['plan'], { DATABASE_URL: readOnlyUrl });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${MIGRATIONS.length} pending migrations on`);
    // the README gives the length of this output
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(
      `${result.stdout.trimEnd().split('\n').length} lines for the ${MIGRATIONS.length} migrations`,
    );
    expect(result.stdout).toContain(`== ${BASELINE} (in one transaction)`);
    expect(result.stdout).toContain('CREATE EXTENSION IF NOT EXISTS vector SCHEMA public;');
    expect(result.stdout).toContain('== 20251002000001000_code-chunks-embedding-text-hnsw (NOT in a transaction');
    expect(result.stdout).toMatch(
      /CREATE INDEX CONCURRENTLY idx_code_embedding_text ON code_chunks USING hnsw[^\n]*\n {2}-- locks public\.code_chunks in SHARE UPDATE EXCLUSIVE mode\n/,
    );
    expect(await catalogSnapshot(db, { withLedger: true })).toEqual(before);
    expect(await db.query(`select to_regclass('pgmigrations') as t`)).toEqual([{ t: null }]);
  });

  it('at the baseline: only what is pending, the same with up --dry-run, and --json; nothing written or locked', async () => {
    expect((await runCli(['up'], { DATABASE_URL: db.url })).code).toBe(0);
    expect((await runCli(['down', '--to', BASELINE, '--yes'], { DATABASE_URL: db.url })).code).toBe(0);
    await db.query(`grant select on all tables in schema public to ${role}`);
    const catalog = await catalogSnapshot(db, { withLedger: true });
    const counters = await writes();

    const text = await runCli(['plan'], { DATABASE_URL: readOnlyUrl });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${MIGRATIONS.length - 1} pending migrations`);
    expect(text.stdout).not.toContain(`== ${BASELINE}`);
    const dry = await runCli(['up', '--dry-run'], { DATABASE_URL: readOnlyUrl });
    expect(dry.stdout).toEqual(text.stdout);

    const json = JSON.parse((await runCli(['plan', '--json'], { DATABASE_URL: readOnlyUrl })).stdout);
    expect(json.pending.map((m: PlannedMigration) => m.name)).toEqual(MIGRATIONS.slice(1));
    const hnsw: PlannedMigration = json.pending.find((m: PlannedMigration) =>
      m.name.endsWith('_code-chunks-embedding-text-hnsw'),
    );
    expect(hnsw).toMatchObject({ transaction: false });
    const build = hnsw.steps
      .flatMap((step) => step.statements)
      .find((statement) => /^CREATE INDEX CONCURRENTLY/i.test(statement.sql));
    expect(build?.locks).toEqual([{ table: 'public.code_chunks', mode: 'SHARE UPDATE EXCLUSIVE', new_table: false }]);

    expect(await catalogSnapshot(db, { withLedger: true })).toEqual(catalog);
    expect(await writes()).toEqual(counters);
    // and the real thing, as the same read-only role, stops before anything runs: it may not create the extensions
    const refused = await runCli(['up'], { DATABASE_URL: readOnlyUrl });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('CREATE EXTENSION IF NOT EXISTS pg_trgm;');
  });
});

describe("plan of SQL written in French, like MnemoLite's own", () => {
  const sql = [
    '-- Up Migration',
    '-- Créé pour la mémoire: événements déjà indexés',
    'create table t_été (id int primary key, v text);',
    '-- Clé primaire composite, incluant la clé de partitionnement',
    'create index i_été on t_été (v);',
    "insert into événements_liés values ('déjà vu ☕');",
    '',
  ].join('\n');

  it('prints every statement whole and names the tables it locks', async () => {
    const other = await freshDatabase();
    const dir = migrationsDir({ '20270101000000000_mémoire.sql': sql }, { shipped: false });
    const result = await runCli(['plan', '--json'], { DATABASE_URL: other.url, MIGRATIONS_DIR: dir });
    await other.drop();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [migration] = JSON.parse(result.stdout).pending as PlannedMigration[];
    expect(migration!.steps.flatMap((step) => step.statements)).toEqual([
      {
        sql: 'create table t_été (id int primary key, v text)',
        locks: [{ table: 'public.t_été', mode: 'ACCESS EXCLUSIVE', new_table: true }],
      },
      { sql: 'create index i_été on t_été (v)', locks: [{ table: 'public.t_été', mode: 'SHARE', new_table: true }] },
      {
        sql: "insert into événements_liés values ('déjà vu ☕')",
        locks: [{ table: 'public.événements_liés', mode: 'ROW EXCLUSIVE', new_table: false }],
      },
    ]);
  });
});

describe('plan on a database without history', () => {
  it('the seed’s own MnemoLite database: what up would stamp, what it would apply before those, and why; nothing written', async () => {
    const seed = await freshDatabase();
    try {
      await restoreState(seed.url, '8509181');
      const before = await catalogSnapshot(seed, { withLedger: true });
      const result = await runCli(['plan'], { DATABASE_URL: seed.url });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(
        'no migration history: 2 migrations would be recorded in public.pgmigrations without running (its catalog (alembic_version says 9dde1f9db172) has what 2 migrations make; 48 missing ones come before some of those and touch nothing they made or changed):',
      );
      expect(result.stdout).toContain(`  ${BASELINE}\n  ${MIGRATIONS.at(-1)}\n`);
      expect(result.stdout).toContain(`${MIGRATIONS.length - 2} pending migrations on`);
      expect(result.stdout).toMatch(
        /== 20251001000002000_indexing-errors \(in one transaction\)\n-- not there, and comes before migrations that are/,
      );
      const json = JSON.parse((await runCli(['plan', '--json'], { DATABASE_URL: seed.url })).stdout);
      expect(json.adoption.stamp).toEqual([BASELINE, MIGRATIONS.at(-1)]);
      expect(json.pending.map((m: PlannedMigration) => m.name)).toEqual(MIGRATIONS.slice(1, -1));
      expect(await catalogSnapshot(seed, { withLedger: true })).toEqual(before);
    } finally {
      await seed.drop();
    }
  });
});
