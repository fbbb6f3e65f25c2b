import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMigrations } from '../../src/chain/migration-files.ts';
import { lint } from '../../src/commands/lint.ts';
import { lintMigrations } from '../../src/lint/lint-migrations.ts';
import { EMPTY_SCHEMA, lintSql } from '../../src/lint/lint-sql.ts';
import { type LintFinding, RULES } from '../../src/lint/rules.ts';
import { SHIPPED_MIGRATIONS } from '../support/cli.ts';
import { temporaryDir } from '../support/temporary.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/lint');
// fixtures run after the project's own baseline: its tables exist (and hold data) for them
const BASELINE = listMigrations(SHIPPED_MIGRATIONS)[0]!;

// Fixtures mark what they expect: `expect: <rule>` on the flagged line, or
// `expect-below: <rule>` when the flagged line cannot carry the marker.
function expectations(dir: string): string[] {
  return listMigrations(dir).flatMap(({ path }) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .flatMap((text, index) => {
        const match = /expect(-below)?: (\S+)/.exec(text);
        return match ? [`${basename(path)}:${index + 1 + (match[1] ? 1 : 0)} ${match[2]}`] : [];
      }),
  );
}

const unaccepted = (findings: LintFinding[]) => findings.filter((f) => f.accepted === undefined);
const where = (f: LintFinding) => `${basename(f.file)}:${f.line} ${f.rule}`;

async function lintAfterBaseline(dir: string): Promise<LintFinding[]> {
  return lintMigrations([BASELINE, ...listMigrations(dir)]);
}

describe('each rule: its flagged fixture is flagged, its safe twin is not', () => {
  for (const rule of Object.keys(RULES)) {
    it(`${rule}: flagged`, async () => {
      const dir = join(FIXTURES, rule, 'flagged');
      const findings = unaccepted(await lintAfterBaseline(dir));
      expect(findings.map(where).sort()).toEqual(expectations(dir).sort());
      expect(findings.map((f) => f.rule)).toContain(rule);
    });
    it(`${rule}: safe twin`, async () => {
      expect(unaccepted(await lintAfterBaseline(join(FIXTURES, rule, 'safe'))).map(where)).toEqual([]);
    });
  }
});

describe('findings', () => {
  it('carry the rule, the file, a message, why and the safe pattern', async () => {
    const [found] = await lintAfterBaseline(join(FIXTURES, 'index-not-concurrent/flagged'));
    expect(found).toEqual({
      rule: 'index-not-concurrent',
      file: join(FIXTURES, 'index-not-concurrent/flagged/001_events_content_index.sql'),
      line: 2,
      message: 'CREATE INDEX events_content_idx on existing table events without CONCURRENTLY',
      why: RULES['index-not-concurrent'].why,
      fix: RULES['index-not-concurrent'].fix,
    });
  });

  it('come in migration order, then line order', async () => {
    const findings = await lintAfterBaseline(join(FIXTURES, 'constraint-not-valid/flagged'));
    expect(findings.map((f) => `${basename(f.file)}:${f.line}`)).toEqual([
      '001_events_content_object.sql:2',
      '002_edges_source_fk.sql:3',
      '003_events_node.sql:2',
    ]);
  });
});

describe('which tables count as existing', () => {
  const index = 'CREATE INDEX nodes_label_idx ON nodes (label);';
  const lintOne = (sql: string, tables: string[] = []) =>
    lintSql([{ sql, line: 1, verbatim: true }], {
      file: 'm.sql',
      before: { ...EMPTY_SCHEMA, tables: new Set(tables) },
      transaction: true,
    });

  it('tables created by earlier migrations exist', async () => {
    expect((await lintOne(index, ['public.nodes'])).findings.map((f) => f.rule)).toEqual(['index-not-concurrent']);
  });

  it('a table no migration created is assumed to exist (it may predate them)', async () => {
    expect((await lintOne(index)).findings.map((f) => f.rule)).toEqual(['index-not-concurrent']);
  });

  it('a table created earlier in the same migration is new', async () => {
    expect((await lintOne(`CREATE TABLE nodes (label text);\n${index}`)).findings).toEqual([]);
  });

  it('CREATE TABLE IF NOT EXISTS on an existing table creates nothing', async () => {
    const result = await lintOne(`CREATE TABLE IF NOT EXISTS nodes (label text);\n${index}`, ['public.nodes']);
    expect(result.findings.map((f) => f.rule)).toEqual(['index-not-concurrent']);
    expect([...result.created.tables]).toEqual([]);
  });

  it('schema-qualified and unqualified names are the same table in public', async () => {
    expect((await lintOne(`CREATE TABLE public.nodes (label text);\n${index}`)).findings).toEqual([]);
  });

  it('a renamed new table stays new, a dropped table is gone', async () => {
    const result = await lintOne(
      'CREATE TABLE t (a int);\nALTER TABLE t RENAME TO u;\nCREATE INDEX u_a ON u (a);\nDROP TABLE nodes;',
      ['public.nodes'],
    );
    expect(result.findings.map((f) => f.rule)).toEqual(['drop-table']);
    expect([...result.after.tables].sort()).toEqual(['public.u']);
  });
});

describe('line numbers', () => {
  it('count lines in the file, not characters, past multi-byte text', async () => {
    const sql = '-- Migration für Ereignisse — café ☕\n/* ü */\n\nCREATE INDEX i ON events (x);';
    const { findings } = await lintSql([{ sql, line: 10, verbatim: true }], {
      file: 'm.sql',
      before: EMPTY_SCHEMA,
      transaction: true,
    });
    expect(findings.map((f) => f.line)).toEqual([13]);
  });

  it('point at the piece when the SQL is not verbatim in the file', async () => {
    const sql = 'SELECT 1;\n\nCREATE INDEX i ON events (x);';
    const { findings } = await lintSql([{ sql, line: 7, verbatim: false }], {
      file: 'm.ts',
      before: EMPTY_SCHEMA,
      transaction: true,
    });
    expect(findings.map((f) => f.line)).toEqual([7]);
  });

  it('point at the error for a syntax error', async () => {
    const { findings } = await lintSql([{ sql: 'SELECT 1;\n-- ü\nSELEC 2;', line: 1, verbatim: true }], {
      file: 'm.sql',
      before: EMPTY_SCHEMA,
      transaction: true,
    });
    expect(findings).toMatchObject([{ rule: 'syntax-error', line: 3, message: 'syntax error at or near "SELEC"' }]);
  });

  it('find pgm.sql templates in a TypeScript file, and builder calls at their function', async () => {
    const findings = await lintAfterBaseline(join(FIXTURES, 'index-not-concurrent/flagged'));
    expect(findings.map(where)).toEqual([
      '001_events_content_index.sql:2 index-not-concurrent',
      '002_nodes_label_index.ts:4 index-not-concurrent',
    ]);
  });
});

describe('acceptance comments', () => {
  it('accept a rule in the file with the reason given', async () => {
    const findings = await lintAfterBaseline(join(FIXTURES, 'drop-table/safe'));
    expect(findings).toMatchObject([
      {
        rule: 'drop-table',
        line: 3,
        accepted: 'the API stopped reading edges in 2.3; the backup is in the release notes',
      },
    ]);
  });

  it('work as // comments in TypeScript', async () => {
    const findings = await lintAfterBaseline(join(FIXTURES, 'drop-column/safe'));
    expect(findings).toMatchObject([
      { rule: 'drop-column', accepted: 'metadata moved to content in 2.3 and nothing reads it since' },
    ]);
  });

  it('without a reason, or naming an unknown rule, accept nothing and are findings', async () => {
    const findings = await lintAfterBaseline(join(FIXTURES, 'invalid-accept/flagged'));
    expect(findings.map((f) => [f.rule, f.line, f.message, f.accepted])).toEqual([
      ['invalid-accept', 2, 'lint-accept of drop-table gives no reason', undefined],
      ['invalid-accept', 4, "lint-accept names an unknown rule 'drop-tables'", undefined],
      ['drop-table', 6, 'existing table edges is dropped', undefined],
    ]);
  });

  it('cover only the rule they name', async () => {
    const dir = temporaryDir('lint-accept-');
    copyFileSync(join(FIXTURES, 'drop-table/safe/001_drop_edges.sql'), join(dir, '001_drop_edges.sql'));
    copyFileSync(
      join(FIXTURES, 'drop-column/flagged/001_drop_events_metadata.sql'),
      join(dir, '002_drop_events_metadata.sql'),
    );
    const findings = await lintAfterBaseline(dir);
    expect(findings.map((f) => [f.rule, f.accepted !== undefined])).toEqual([
      ['drop-table', true],
      ['drop-column', false],
    ]);
  });
});

describe('lint command', () => {
  it('lints a migrations directory and counts its migrations', async () => {
    const result = await lint({ migrationsDir: join(FIXTURES, 'constraint-not-valid/safe') });
    expect(result).toEqual({ migrations: 2, findings: [] });
  });

  it('lints the templates `create` copies, as generated', async () => {
    const templates = join(import.meta.dirname, '../../templates');
    const dir = temporaryDir('lint-templates-');
    for (const [index, file] of readdirSync(templates).entries()) {
      copyFileSync(join(templates, file), join(dir, `${index + 1}_${file}`));
    }
    expect(await lintAfterBaseline(dir)).toEqual([]);
  });
});

describe("the project's own migrations", () => {
  it('lint clean or carry reasoned acceptances', async () => {
    const { migrations, findings } = await lint({ migrationsDir: SHIPPED_MIGRATIONS });
    expect(migrations).toBeGreaterThan(0);
    expect(unaccepted(findings).map((f) => `${where(f)}: ${f.message}`)).toEqual([]);
  });
});
