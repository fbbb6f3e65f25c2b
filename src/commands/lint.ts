// `lint`: every migration's SQL through the PostgreSQL parser, reporting the
// operations that are dangerous on a live database. Fails when any finding is
// not accepted in its file.
import { relative } from 'node:path';
import { listMigrations } from '../chain/migration-files.ts';
import { LintFindings } from '../errors.ts';
import { lintMigrations } from '../lint/lint-migrations.ts';
import type { LintFinding } from '../lint/rules.ts';
import { asJson, type LocalCommand } from './command.ts';

export interface LintResult {
  /** how many migrations were linted */
  migrations: number;
  /** in migration order, then by line; accepted ones carry their reason */
  findings: LintFinding[];
}

export const command: LocalCommand<{ migrationsDir: string }, LintResult> = {
  args: ({ config }) => ({ migrationsDir: config.migrationsDir }),
  run: lint,
  format: (result, { json }) => (json ? asJson(result) : formatLint(result)),
  failure: (result) => {
    const open = notAccepted(result).length;
    if (open === 0) return undefined;
    return new LintFindings(
      `lint: ${open} finding${open === 1 ? '' : 's'} not accepted (accept one with a comment: -- lint-accept: <rule> <reason>)`,
    );
  },
};

export async function lint(options: { migrationsDir: string }): Promise<LintResult> {
  const migrations = listMigrations(options.migrationsDir);
  return { migrations: migrations.length, findings: await lintMigrations(migrations) };
}

const notAccepted = (result: LintResult) => result.findings.filter((f) => f.accepted === undefined);

function formatLint(result: LintResult): string {
  const lines = result.findings.map((f) =>
    [
      `${relative(process.cwd(), f.file) || f.file}:${f.line}  ${f.rule}  ${f.message}${f.accepted !== undefined ? `  (accepted: ${f.accepted})` : ''}`,
      ...(f.accepted === undefined ? [`  why: ${f.why}`, `  instead: ${f.fix}`] : []),
    ].join('\n'),
  );
  const open = notAccepted(result).length;
  lines.push(
    `${result.migrations} migrations linted: ${open} finding${open === 1 ? '' : 's'}, ${result.findings.length - open} accepted`,
  );
  return lines.join('\n');
}
