import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';
import { catalogSnapshot } from './support/catalog.ts';
import { adminUrl, freshDatabase, withClient, type TestDatabase } from './support/database.ts';
import { BASELINE } from './support/migrations-dir.ts';

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
    expect(result.stdout).toContain('4 pending migrations on');
    expect(result.stdout).toContain(`== ${BASELINE} (in one transaction)`);
    expect(result.stdout).toContain('CREATE EXTENSION IF NOT EXISTS vector;');
    expect(result.stdout).toContain('== 20251002000001000_code-chunks-embedding-text-hnsw (NOT in a transaction');
    expect(result.stdout).toMatch(/CREATE INDEX CONCURRENTLY idx_code_embedding_text ON code_chunks USING hnsw[^\n]*\n {2}-- locks public\.code_chunks in SHARE UPDATE EXCLUSIVE mode\n/);
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
    expect(text.stdout).toContain('3 pending migrations');
    expect(text.stdout).not.toContain(`== ${BASELINE}`);
    const dry = await runCli(['up', '--dry-run'], { DATABASE_URL: readOnlyUrl });
    expect(dry.stdout).toEqual(text.stdout);

    const json = JSON.parse((await runCli(['plan', '--json'], { DATABASE_URL: readOnlyUrl })).stdout);
    expect(json.pending.map((m: { name: string }) => m.name)).toEqual([
      '20251002000000000_code-chunks',
      '20251002000001000_code-chunks-embedding-text-hnsw',
      '20251002000002000_code-chunks-embedding-code-hnsw',
    ]);
    expect(json.pending[1]).toMatchObject({ transaction: false });
    expect(json.pending[1].steps[1].statements[0].locks).toEqual([{ table: 'public.code_chunks', mode: 'SHARE UPDATE EXCLUSIVE', new_table: false }]);

    expect(await catalogSnapshot(db, { withLedger: true })).toEqual(catalog);
    expect(await writes()).toEqual(counters);
    // and the real thing, as the same read-only role, is refused by PostgreSQL itself
    expect((await runCli(['up'], { DATABASE_URL: readOnlyUrl })).code).toBe(1);
  });
});
