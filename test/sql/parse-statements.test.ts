import { describe, expect, it } from 'vitest';
import { exitCodeOf, SqlSyntaxError } from '../../src/errors.ts';
import { locksOf } from '../../src/sql/lock-modes.ts';
import { parseStatements, tableName } from '../../src/sql/parse-statements.ts';

// French comments and identifiers, as in MnemoLite's own db/init and db/migrations files
const FRENCH = [
  '-- Créé pour la mémoire: événements déjà indexés',
  'create table t_été (id int primary key, v text);',
  '-- Clé primaire composite, incluant la clé de partitionnement',
  "/* Décision: l'index vectoriel viendra après */ create index i_été on t_été (v);",
  "insert into t_été values (1, 'déjà vu ☕');",
].join('\n');

describe('parseStatements', () => {
  it('gives each statement its exact text and line past multi-byte characters', async () => {
    const statements = await parseStatements(FRENCH);
    expect(statements.map(({ text, line }) => ({ text, line }))).toEqual([
      { text: 'create table t_été (id int primary key, v text)', line: 2 },
      { text: 'create index i_été on t_été (v)', line: 4 },
      { text: "insert into t_été values (1, 'déjà vu ☕')", line: 5 },
    ]);
    expect(statements.map(({ node }) => Object.keys(node)[0])).toEqual(['CreateStmt', 'IndexStmt', 'InsertStmt']);
  });

  it('reads a last statement without a semicolon to the end', async () => {
    expect((await parseStatements('select 1;\n\n  select 2  ')).map(({ text, line }) => [text, line])).toEqual([
      ['select 1', 1],
      ['select 2', 3],
    ]);
  });

  it('has nothing to say about empty SQL or comments alone', async () => {
    expect(await parseStatements('  \n')).toEqual([]);
    expect(await parseStatements('-- rien à faire ici\n')).toEqual([]);
  });

  it('rejects what PostgreSQL rejects: a configuration error with the line of the error', async () => {
    const error = await parseStatements('select 1;\n-- é à ü\nselec 2;').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlSyntaxError);
    expect(error).toMatchObject({ message: 'syntax error at or near "selec"', line: 3 });
    expect(exitCodeOf(error)).toBe(3);
  });
});

describe('tableName: unqualified means public', () => {
  it('for a relation and for the parts of a dotted name', async () => {
    const [create, qualified] = await parseStatements('create table t_été (a int); create table mémoire.t (a int);');
    expect(locksOf(create!.node)).toEqual([{ table: 'public.t_été', mode: 'ACCESS EXCLUSIVE' }]);
    expect(locksOf(qualified!.node)).toEqual([{ table: 'mémoire.t', mode: 'ACCESS EXCLUSIVE' }]);
    expect([tableName(['t']), tableName(['s', 't']), tableName(['db', 's', 't'])]).toEqual(['public.t', 's.t', 's.t']);
  });

  it('in the lock table for DROP, TRUNCATE and DROP INDEX', async () => {
    const statements = await parseStatements(
      'drop table t_été, s.u; truncate événements; drop index concurrently i_été;',
    );
    expect(statements.map(({ node }) => locksOf(node))).toEqual([
      [
        { table: 'public.t_été', mode: 'ACCESS EXCLUSIVE' },
        { table: 's.u', mode: 'ACCESS EXCLUSIVE' },
      ],
      [{ table: 'public.événements', mode: 'ACCESS EXCLUSIVE' }],
      [{ table: 'public.i_été', index: true, mode: 'SHARE UPDATE EXCLUSIVE' }],
    ]);
  });
});
