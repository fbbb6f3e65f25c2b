import { join } from 'node:path';
import type { DBConnection } from 'node-pg-migrate/db';
import { Migration } from 'node-pg-migrate/migration';
import { loadMigrationUnits } from 'node-pg-migrate/migrationLoader';
import { describe, expect, it } from 'vitest';
import { type MigrationSql, renderMigrationSql } from '../../src/chain/migration-sql.ts';
import { ConfigError, exitCodeOf, IrreversibleMigration, MigrateError } from '../../src/errors.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/migration-sql');
const fixture = (file: string) => join(FIXTURES, file);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

// What node-pg-migrate itself sends for one migration: its Migration class fed
// by its own loader, against a connection that records instead of running.
async function nodePgMigrate(path: string, direction: 'up' | 'down'): Promise<MigrationSql> {
  const [unit] = await loadMigrationUnits({ logger: silent }, [path]);
  const sent: string[] = [];
  const record = async (sql: unknown): Promise<never> => {
    sent.push(String(sql));
    return undefined as never;
  };
  const unused = (): never => {
    throw new Error('Migration.apply only queries');
  };
  const db: DBConnection = {
    query: record,
    select: record,
    column: unused,
    createConnection: unused,
    connected: unused,
    addBeforeCloseListener: unused,
    close: unused,
  };
  const options = { migrationsTable: 'pgmigrations', schema: 'public', dir: FIXTURES, direction, databaseUrl: '' };
  await new Migration(db, unit!.id, unit!.actions, options, unit!.actions.shorthands, silent).apply(direction);
  const transaction = sent[0] === 'BEGIN;';
  const statements = sent.filter((sql) => sql !== 'BEGIN;' && sql !== 'COMMIT;').slice(0, -1); // last: the migrations-table row
  return { statements, transaction };
}

describe('renderMigrationSql renders what node-pg-migrate would send', () => {
  const renderable = [
    '001_sql_both.sql',
    '002_sql_up_only.sql',
    '003_reverse.ts',
    '004_no_transaction.ts',
    '005_callback.ts',
    '009_down_is_up.ts',
  ];
  for (const file of renderable) {
    for (const direction of ['up', 'down'] as const) {
      it(`${file} ${direction}`, async () => {
        const expected = await nodePgMigrate(fixture(file), direction).catch((error: Error) => error);
        if (expected instanceof Error) await expect(renderMigrationSql(fixture(file), direction)).rejects.toThrow();
        else expect(await renderMigrationSql(fixture(file), direction)).toEqual(expected);
      });
    }
  }
});

describe('SQL migrations', () => {
  // node-pg-migrate's marker regex starts with ^\s*, so a section takes the blank lines before its marker
  it('split into the -- Up Migration and -- Down Migration sections, markers included', async () => {
    expect(await renderMigrationSql(fixture('001_sql_both.sql'), 'up')).toEqual({
      statements: [
        '-- Up Migration\nCREATE TABLE tags (id UUID PRIMARY KEY, name TEXT NOT NULL);\nCREATE INDEX tags_name_idx ON tags (name);\n;',
      ],
      transaction: true,
    });
    expect(await renderMigrationSql(fixture('001_sql_both.sql'), 'down')).toEqual({
      statements: ['\n-- Down Migration\nDROP TABLE tags;\n;'],
      transaction: true,
    });
  });

  it('without markers are all up and cannot go down', async () => {
    expect((await renderMigrationSql(fixture('002_sql_up_only.sql'), 'up')).statements).toEqual([
      '-- without section markers the whole file is up, and there is no down\nALTER TABLE events ADD COLUMN source TEXT;\n;',
    ]);
    await expect(renderMigrationSql(fixture('002_sql_up_only.sql'), 'down')).rejects.toThrow(IrreversibleMigration);
  });
});

describe('TypeScript migrations', () => {
  it('apply their own shorthands, and without down replay up in reverse', async () => {
    expect((await renderMigrationSql(fixture('003_reverse.ts'), 'up')).statements).toEqual([
      'CREATE TABLE "tags" (\n  "id" uuid PRIMARY KEY,\n  "name" text NOT NULL\n);',
      'ALTER TABLE "tags"\n  ADD "note" text;',
    ]);
    expect((await renderMigrationSql(fixture('003_reverse.ts'), 'down')).statements).toEqual([
      'ALTER TABLE "tags"\n  DROP "note";',
      'DROP TABLE "tags";',
    ]);
  });

  it('report pgm.noTransaction() as transaction: false', async () => {
    expect(await renderMigrationSql(fixture('004_no_transaction.ts'), 'up')).toEqual({
      statements: ['CREATE INDEX CONCURRENTLY IF NOT EXISTS events_content_idx ON events USING gin (content);'],
      transaction: false,
    });
    expect((await renderMigrationSql(fixture('001_sql_both.sql'), 'up')).transaction).toBe(true);
  });

  it('wait for a callback-style action to call back', async () => {
    expect((await renderMigrationSql(fixture('005_callback.ts'), 'up')).statements).toEqual([
      'ALTER TABLE nodes ADD COLUMN title TEXT;',
    ]);
  });
});

describe('what rendering refuses', () => {
  it('any database query: the handle throws, naming the migration', async () => {
    await expect(renderMigrationSql(fixture('006_queries_db.ts'), 'up')).rejects.toThrow(
      'migration 006_queries_db.ts failed to render up: migration 006_queries_db.ts queries the database (pgm.db) while its SQL is rendered; plan and lint never connect',
    );
  });

  it('down = false: an IrreversibleMigration', async () => {
    const error = await renderMigrationSql(fixture('007_down_false.ts'), 'down').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IrreversibleMigration);
    expect(error).toBeInstanceOf(MigrateError);
    expect((error as Error).message).toBe('migration 007_down_false.ts cannot be run down: it exports down = false');
  });

  it('a down that cannot be inferred from up, as node-pg-migrate would', async () => {
    await expect(renderMigrationSql(fixture('010_not_reversible.ts'), 'down')).rejects.toThrow(
      /^migration 010_not_reversible.ts failed to render down: Impossible to automatically infer down migration/,
    );
  });

  it('a module that does not parse: a configuration error (exit 3) naming the migration, its file, the line and the cause', async () => {
    const error = await renderMigrationSql(fixture('008_broken.js'), 'up').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(exitCodeOf(error)).toBe(3);
    expect((error as ConfigError).message).toMatch(/^migration 008_broken does not parse: \S.* \(line 2\)$/);
    expect((error as ConfigError).details).toEqual([`file: ${fixture('008_broken.js')}:2`]);
  });

  it('a migration whose own code throws while rendering: a configuration error too', async () => {
    const error = await renderMigrationSql(fixture('010_not_reversible.ts'), 'down').catch((e: unknown) => e);
    expect(exitCodeOf(error)).toBe(3);
  });

  it('a declared backfill renders as its batch statement, outside a transaction; its down is its own', async () => {
    const up = await renderMigrationSql(fixture('011_backfill.ts'), 'up');
    expect(up.transaction).toBe(false);
    expect(up.statements).toHaveLength(1);
    expect(up.statements[0]).toContain(
      'UPDATE items SET dst = src WHERE id IN (SELECT k FROM picked) AND (dst IS NULL)',
    );
    expect(up.statements[0]).toContain('WHERE id > $2 AND (dst IS NULL) ORDER BY id LIMIT $1');
    expect(await renderMigrationSql(fixture('011_backfill.ts'), 'down')).toEqual({ statements: [], transaction: true });
  });

  it('a backfill declared badly: a configuration error saying what to change', async () => {
    const problems = {
      '012_backfill_and_up.ts':
        'migration 012_backfill_and_up declares a backfill, which is its up: it may not export up too',
      '013_backfill_no_down.ts':
        'migration 013_backfill_no_down declares a backfill: it must export down too (a no-op function when there is nothing to undo, or false)',
      '014_backfill_no_set.ts':
        'migration 014_backfill_no_set: a backfill needs table, key, set, pending as SQL text; missing or empty: set',
      '015_backfill_not_a_list.ts':
        'migration 015_backfill_not_a_list: export backfill as a list of { table, key, set, pending }',
    };
    for (const [file, message] of Object.entries(problems)) {
      const error = await renderMigrationSql(fixture(file), 'up').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(message);
      expect((error as ConfigError).details).toEqual([`file: ${fixture(file)}`]);
    }
  });
});
