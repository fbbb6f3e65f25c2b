// The developer's loop with `diff`, on real PostgreSQL: a dev database at the chain's head changed with plain
// SQL, `diff` writing the migrations, `lint`, a fresh database brought up by them to the dev database's
// catalog and `verify` content; then the changes `diff` refuses, and what --allow-destructive writes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogDifferences } from '../support/catalog-differences.ts';
import { runCli } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { migrationsDir } from '../support/migrations-dir.ts';

const migrationFiles = (dir: string) => readdirSync(dir).filter((f) => /^\d{17}_.*\.ts$/.test(f));

let dev: TestDatabase;
let scratch: TestDatabase;
let dir: string;
const fresh: TestDatabase[] = [];
const upFresh = async () => {
  const db = await freshDatabase();
  fresh.push(db);
  const up = await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
  expect(up.code, up.stderr).toBe(0);
  return db;
};

beforeAll(async () => {
  [dev, scratch] = await Promise.all([freshDatabase(), freshDatabase()]);
  dir = migrationsDir({});
  const up = await runCli(['up'], { DATABASE_URL: dev.url, MIGRATIONS_DIR: dir });
  expect(up.code, up.stderr).toBe(0);
});
afterAll(async () => {
  await Promise.all([dev, scratch, ...fresh].map((db) => db.drop()));
});

describe('diff, from a dev database changed with SQL', () => {
  it('writes the change, its index builds, its validations and its NOT NULL apart; proven, linted, verified', async () => {
    await dev.query(`
      CREATE TABLE notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        memory_id uuid NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX idx_notes_memory ON notes (memory_id);
      COMMENT ON TABLE notes IS 'what agents noted on a memory';
      ALTER TABLE memories ADD COLUMN priority integer NOT NULL DEFAULT 0;
      ALTER TABLE memories ADD CONSTRAINT memories_priority_check CHECK (priority >= 0);
      CREATE INDEX idx_memories_author ON memories (author);
      INSERT INTO memories (title, content, author) VALUES ('a title', 'some content', 'an agent');
      ALTER TABLE memories ALTER COLUMN author SET NOT NULL;
      CREATE VIEW recent_notes AS SELECT n.id, n.body, m.title FROM notes n JOIN memories m ON m.id = n.memory_id;
    `);
    const before = migrationFiles(dir).length;
    const result = await runCli(['diff', 'notes', '--from', dev.url, '--json'], {
      DATABASE_URL: scratch.url,
      MIGRATIONS_DIR: dir,
    });
    expect(result.code, result.stderr).toBe(0);
    const { migrations, written, columnsOnTablesWithRows } = JSON.parse(result.stdout);
    expect(migrations.map((m: { name: string }) => m.name.slice(18))).toEqual([
      'notes',
      'notes-idx-memories-author',
      'notes-memories-memories-priority-check-validate',
      'notes-memories-author-not-null',
    ]);
    expect(migrations.map((m: { transaction: boolean }) => m.transaction)).toEqual([true, false, true, true]);
    expect(written).toHaveLength(8); // each migration and its expected catalog
    expect(columnsOnTablesWithRows).toEqual(['public.memories.priority']);
    expect(result.stderr).toContain('public.memories.priority is new on a table that has rows');
    expect(migrationFiles(dir)).toHaveLength(before + 4);
    const main = readFileSync(join(dir, `${migrations[0].name}.ts`), 'utf8');
    expect(main).toContain('ADD CONSTRAINT memories_priority_check CHECK ((priority >= 0)) NOT VALID');
    expect(main).toContain('ADD CONSTRAINT memories_author_not_null_check CHECK (author IS NOT NULL) NOT VALID');
    expect(main).not.toContain('lint-accept');

    const lint = await runCli(['lint'], { MIGRATIONS_DIR: dir });
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout + lint.stderr).toContain(`${before + 4} migrations linted: 0 findings, 1 accepted`);

    const built = await upFresh();
    expect(await catalogDifferences(dev.url, built.url)).toEqual([]);
    const verify = await runCli(['verify'], { DATABASE_URL: built.url, MIGRATIONS_DIR: dir });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);

    const again = await runCli(['diff', 'notes-again', '--from', dev.url], {
      DATABASE_URL: scratch.url,
      MIGRATIONS_DIR: dir,
    });
    expect([again.code, again.stdout.trim()]).toEqual([0, 'no changes']);
    expect(migrationFiles(dir)).toHaveLength(before + 4);
  });

  it('refuses a NOT NULL column without a default and a dropped column, saying why and what instead; writes nothing', async () => {
    await dev.query(
      `ALTER TABLE notes ADD COLUMN score integer NOT NULL; ALTER TABLE memories DROP COLUMN priority CASCADE`,
    );
    const before = migrationFiles(dir);
    for (const extra of [[], ['--allow-destructive', 'the API stopped reading priority']]) {
      const result = await runCli(['diff', 'scores', '--from', dev.url, ...extra], {
        DATABASE_URL: scratch.url,
        MIGRATIONS_DIR: dir,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('column public.notes.score integer not-null');
      expect(result.stderr).toContain('instead: add it nullable');
      if (extra.length === 0)
        expect(result.stderr).toContain('column public.memories.priority integer not-null default=0');
    }
    expect(migrationFiles(dir)).toEqual(before);
  });

  it('with --allow-destructive, writes a destructive change apart, each lint rule accepted with the reason given', async () => {
    await dev.query('ALTER TABLE notes DROP COLUMN score');
    const refused = await runCli(['diff', 'drop-priority', '--from', dev.url], {
      DATABASE_URL: scratch.url,
      MIGRATIONS_DIR: dir,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--allow-destructive');

    const reason = 'the API stopped reading priority in 2.3';
    const result = await runCli(['diff', 'drop-priority', '--from', dev.url, '--allow-destructive', reason, '--json'], {
      DATABASE_URL: scratch.url,
      MIGRATIONS_DIR: dir,
    });
    expect(result.code, result.stderr).toBe(0);
    const { migrations } = JSON.parse(result.stdout);
    expect(migrations.map((m: { name: string; destructive: boolean }) => [m.name.slice(18), m.destructive])).toEqual([
      ['drop-priority-destructive', true],
    ]);
    const source = readFileSync(join(dir, `${migrations[0].name}.ts`), 'utf8');
    expect(source).toContain(`// lint-accept: drop-column ${reason}`);
    const lint = await runCli(['lint'], { MIGRATIONS_DIR: dir });
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout + lint.stderr).toMatch(/ 0 findings, \d+ accepted/);
    expect(await catalogDifferences(dev.url, (await upFresh()).url)).toEqual([]);
  });

  it('says what is wrong with its arguments before it connects', async () => {
    const neither = await runCli(['diff', 'x'], {
      DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
      MIGRATIONS_DIR: dir,
    });
    expect([neither.code, neither.stderr]).toEqual([
      2,
      expect.stringContaining('--from <database URL> or --from-sql <file>'),
    ]);
    const missing = await runCli(['diff', 'x', '--from-sql', '/nonexistent.sql'], {
      DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
      MIGRATIONS_DIR: dir,
    });
    expect([missing.code, missing.stderr]).toEqual([3, expect.stringContaining('/nonexistent.sql cannot be read')]);
  });
});
