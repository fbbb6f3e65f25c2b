// Extensions the pending migrations create, checked before any of them runs: a
// role that may not create one would otherwise fail half-way on PostgreSQL's
// "permission denied", with nothing to tell the administrator what to run.

import type { MigrationFile } from '../chain/migration-files.ts';
import { renderMigrationSql } from '../chain/migration-sql.ts';
import type { ExtensionStatus, ServerPort } from '../database/port.ts';
import { ExtensionsMissing } from '../errors.ts';
import { parseStatements } from '../sql/parse-statements.ts';

const MENTIONS_EXTENSION = /create\s+extension/i;

/**
 * The extensions `files` create with a top-level CREATE EXTENSION, in order. One created
 * inside a DO block is conditional (the baseline's pg_partman, skipped where the server
 * lacks it) and not required. A file that does not render or parse is left to apply-migrations.ts,
 * which reports it with its own exit code.
 */
export async function requiredExtensions(files: readonly MigrationFile[]): Promise<string[]> {
  const names = new Set<string>();
  for (const file of files) {
    let statements: string[];
    try {
      statements = (await renderMigrationSql(file.path, 'up')).statements;
    } catch {
      continue;
    }
    for (const sql of statements.filter((step) => MENTIONS_EXTENSION.test(step))) {
      const parsed = await parseStatements(sql).catch(() => []);
      for (const { node } of parsed) if ('CreateExtensionStmt' in node) names.add(node.CreateExtensionStmt.extname!);
    }
  }
  return [...names];
}

/** Those neither installed nor creatable by this role; each with what an administrator runs. */
export function missingExtensions(
  statuses: readonly ExtensionStatus[],
  where: { role: string; database: string },
): ExtensionsMissing | undefined {
  const missing = statuses.filter((status) => !status.installed && !(status.available && status.creatable));
  if (missing.length === 0) return undefined;
  const names = missing.map((status) => status.name);
  return new ExtensionsMissing(
    `the pending migrations need ${names.length === 1 ? 'extension' : 'extensions'} ${names.join(', ')}, which role ${where.role} may not create; nothing was run`,
    missing.map((status) =>
      status.available
        ? `${status.name}: as a superuser, in database ${where.database}: CREATE EXTENSION IF NOT EXISTS ${status.name};`
        : `${status.name}: not available on this server: install its package on the server, then as a superuser, in database ${where.database}: CREATE EXTENSION IF NOT EXISTS ${status.name};`,
    ),
  );
}

export async function checkExtensions(database: ServerPort, pending: readonly MigrationFile[]): Promise<void> {
  if (pending.length === 0) return;
  const needed = await requiredExtensions(pending);
  if (needed.length === 0) return;
  const { statuses, role, database: name } = await database.extensions(needed);
  const missing = missingExtensions(statuses, { role, database: name });
  if (missing) throw missing;
}
