// The committed real MnemoLite databases restore through node-postgres, each with its schema point and rows.
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.ts';
import { listStates, type MnemoliteState, restoreState, tableRows } from '../support/mnemolite-fixtures.ts';
import { withClient } from '../support/with-client.ts';

// FACTS.md §6 and §10 (tables and views, alembic_version left out) and the alembic_version row of each state
const EXPECTED: Record<MnemoliteState, { tables: number; views: number; alembic: string | null }> = {
  'compose-half': { tables: 3, views: 0, alembic: null },
  init: { tables: 4, views: 2, alembic: null },
  '9dde1f9db172': { tables: 4, views: 2, alembic: '9dde1f9db172' },
  a40a6de7d379: { tables: 5, views: 2, alembic: 'a40a6de7d379' },
  'a40a6de7d379+handsql': { tables: 13, views: 5, alembic: 'a40a6de7d379' },
  b7c2e4f8a901: { tables: 13, views: 5, alembic: 'b7c2e4f8a901' },
  c4d7f2a8e102: { tables: 13, views: 5, alembic: 'c4d7f2a8e102' },
  e5a8b3c9d203: { tables: 14, views: 5, alembic: 'e5a8b3c9d203' },
  f1a2b3c4d506: { tables: 14, views: 5, alembic: 'f1a2b3c4d506' },
  a1b2c3d4e5f6: { tables: 14, views: 5, alembic: 'a1b2c3d4e5f6' },
  b2c3d4e5f6a7: { tables: 14, views: 5, alembic: 'b2c3d4e5f6a7' },
  c3d4e5f6a7b8: { tables: 15, views: 5, alembic: 'c3d4e5f6a7b8' },
  '20260403_0000': { tables: 15, views: 5, alembic: '20260403_0000' },
  '20260404_0000': { tables: 16, views: 5, alembic: '20260404_0000' },
  '20260410_0000': { tables: 16, views: 5, alembic: '20260410_0000' },
  'compose-head': { tables: 16, views: 3, alembic: '20260410_0000' },
  'head-without-trgm': { tables: 16, views: 5, alembic: '20260410_0000' },
  '2b75881': { tables: 3, views: 2, alembic: null },
  '8509181': { tables: 3, views: 2, alembic: '9dde1f9db172' },
  '467bf23': { tables: 4, views: 2, alembic: 'a40a6de7d379' },
  'd3e9dda+handsql': { tables: 4, views: 2, alembic: 'a40a6de7d379' },
  '7a9b7cb+handsql': { tables: 4, views: 2, alembic: 'a40a6de7d379' },
  '05d7797+handsql': { tables: 5, views: 5, alembic: 'a40a6de7d379' },
  'da4975f+handsql': { tables: 7, views: 5, alembic: 'a40a6de7d379' },
  'af87d4e+handsql': { tables: 8, views: 5, alembic: 'a40a6de7d379' },
  '69a52e3+handsql': { tables: 8, views: 5, alembic: 'a40a6de7d379' },
  'c79727b+handsql': { tables: 11, views: 5, alembic: 'a40a6de7d379' },
  'd1acec1+handsql': { tables: 12, views: 5, alembic: 'a40a6de7d379' },
  '66907b2+handsql': { tables: 13, views: 5, alembic: 'a40a6de7d379' },
  'fe5bd9b+handsql': { tables: 13, views: 5, alembic: 'a40a6de7d379' },
  '69a52e3+handsql..head': { tables: 16, views: 5, alembic: '20260410_0000' },
};

it('has a fixture for every state, and no other', () => {
  // sorted: an object keeps keys that look like integers (8509181) first
  expect(listStates().toSorted()).toEqual(Object.keys(EXPECTED).toSorted());
});

describe.each(Object.entries(EXPECTED))('state %s', (state, expected) => {
  it('restores with its tables, views, alembic_version and rows in every table', async () => {
    const db = await freshDatabase();
    try {
      await restoreState(db.url, state as MnemoliteState);
      const [counts] = await db.query<{ tables: number; views: number; alembic: boolean }>(
        `select count(*) filter (where relkind in ('r', 'p') and relname <> 'alembic_version')::int as tables,
                count(*) filter (where relkind = 'v')::int as views,
                bool_or(relname = 'alembic_version') as alembic
           from pg_class where relnamespace = 'public'::regnamespace`,
      );
      expect(counts!.tables).toBe(expected.tables);
      expect(counts!.views).toBe(expected.views);
      const versions = counts!.alembic
        ? (await db.query('select version_num from alembic_version')).map((r) => r.version_num)
        : null;
      expect(versions).toEqual(expected.alembic === null ? null : [expected.alembic]);

      const rows = await withClient(db.url, tableRows);
      expect(Object.keys(rows).filter((table) => table.startsWith('public.'))).toHaveLength(
        expected.tables + (expected.alembic ? 1 : 0),
      );
      const empty = Object.entries(rows)
        .filter(([, tableRows]) => tableRows.length === 0)
        .map(([table]) => table);
      expect(empty).toEqual([]);
      // vectors for b7c2e4f8a901's backfill into halfvec columns, wherever the vector tables exist
      const count = async (sql: string) => (await db.query<{ n: number }>(`select count(*)::int as n ${sql}`))[0]!.n;
      if (rows['public.code_chunks']) {
        expect(
          await count('from code_chunks where embedding_text is not null and embedding_code is not null'),
        ).toBeGreaterThanOrEqual(2);
      }
      if (rows['public.memories'])
        expect(await count('from memories where embedding is not null')).toBeGreaterThanOrEqual(2);
    } finally {
      await db.drop();
    }
  });
});

describe('restoreState', () => {
  it('gives the same rows twice, and changes nothing when the database is not empty (one transaction)', async () => {
    const [a, b] = [await freshDatabase(), await freshDatabase()];
    try {
      await restoreState(a.url, '20260410_0000');
      await restoreState(b.url, '20260410_0000');
      const rows = await withClient(a.url, tableRows);
      expect(await withClient(b.url, tableRows)).toEqual(rows);
      expect(Object.keys(rows)).toContain('public.memories');

      await expect(restoreState(a.url, '20260410_0000')).rejects.toThrow(/already exists/);
      expect(await withClient(a.url, tableRows)).toEqual(rows);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });
});
