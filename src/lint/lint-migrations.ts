// Lints migrations in the order they run: each up against the tables the
// earlier ups left behind, and each down against what its own up created.
import { readFile } from 'node:fs/promises';
import { type MigrationSql, renderMigrationSql } from '../chain/migration-sql.ts';
import { IrreversibleMigration, MigrationSyntaxError } from '../errors.ts';
import { applyAcceptances } from './acceptances.ts';
import { EMPTY_SCHEMA, lintSql } from './lint-sql.ts';
import { locateSteps } from './locate-steps.ts';
import { finding, type LintFinding } from './rules.ts';

export async function lintMigrations(migrations: readonly { path: string }[]): Promise<LintFinding[]> {
  const findings: LintFinding[] = [];
  let schema = EMPTY_SCHEMA;
  for (const { path } of migrations) {
    const source = await readFile(path, 'utf8');
    const up = await renderMigrationSql(path, 'up').catch((error: unknown) => {
      // a module that does not parse is a finding at its line; the files after it are still linted
      if (!(error instanceof MigrationSyntaxError)) throw error;
      findings.push(finding('syntax-error', path, error.line, error.message));
      return undefined;
    });
    if (!up) continue;
    const upLint = await lintSql(locateSteps(source, path, 'up', up.statements), {
      file: path,
      before: schema,
      transaction: up.transaction,
    });
    // an up the parser rejected was not read to its end: its down cannot be checked against it
    const down = upLint.findings.some((f) => f.rule === 'syntax-error') ? undefined : await renderDown(path);
    const downLint =
      down &&
      (await lintSql(locateSteps(source, path, 'down', down.statements), {
        file: path,
        before: upLint.after,
        transaction: down.transaction,
        undoing: upLint.created,
      }));
    const own = applyAcceptances([...upLint.findings, ...(downLint ? downLint.findings : [])], source, path);
    findings.push(...own.sort((a, b) => a.line - b.line));
    schema = upLint.after;
  }
  return findings;
}

// An irreversible migration (down = false) has no down to check.
async function renderDown(path: string): Promise<MigrationSql | undefined> {
  try {
    return await renderMigrationSql(path, 'down');
  } catch (error) {
    if (error instanceof IrreversibleMigration) return undefined;
    throw error;
  }
}
