// `lint`: every migration's SQL through the PostgreSQL parser, reporting the
// operations that are dangerous on a live database. The CLI prints the
// findings and fails when any is not accepted.
import { lintMigrations } from '../lint/lint-migrations.ts';
import type { LintFinding } from '../lint/rules.ts';
import { listMigrations } from '../migration-files.ts';

export interface LintResult {
  /** how many migrations were linted */
  migrations: number;
  /** in migration order, then by line; accepted ones carry their reason */
  findings: LintFinding[];
}

export async function lint(options: { migrationsDir: string }): Promise<LintResult> {
  const migrations = listMigrations(options.migrationsDir);
  return { migrations: migrations.length, findings: await lintMigrations(migrations) };
}
