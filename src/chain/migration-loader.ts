// Loads one migration file as node-pg-migrate does (a .sql file through its
// `-- Up/Down Migration` splitter, a module through its jiti), for apply, plan,
// lint and adoption alike: a file that does not load is a configuration error.
import { basename, extname } from 'node:path';
import type { MigrationBuilderActions } from 'node-pg-migrate/sqlMigration';
import { ConfigError, MigrationSyntaxError } from '../errors.ts';

/** A migration's exports: node-pg-migrate's actions, and whatever else it declares (`adopt`). */
export type MigrationModule = MigrationBuilderActions & Record<string, unknown>;

export async function loadMigration(path: string): Promise<MigrationModule> {
  try {
    if (isSql(path)) {
      const { sqlMigration } = await import('node-pg-migrate/sqlMigration');
      return (await sqlMigration(path)) as MigrationModule;
    }
    // slow to load: never on the no-op path, which reads no module
    const { jiti } = await import('node-pg-migrate');
    return await jiti.import<MigrationModule>(path);
  } catch (cause) {
    const name = basename(path, extname(path));
    // jiti's parser and Node's type stripping name the place as `<path>:<line>:<column>` in the message or stack
    const text = cause instanceof Error ? `${cause.message}\n${cause.stack ?? ''}` : String(cause);
    const at = new RegExp(`${escapeRegExp(path)}:(\\d+)`).exec(text);
    if (at && /\b(Parse|Syntax)Error\b/.test(text))
      throw new MigrationSyntaxError(
        `migration ${name} does not parse: ${firstLine(cause).trim()} (line ${at[1]})`,
        path,
        Number(at[1]),
      );
    throw new ConfigError(`migration ${name} does not load: ${firstLine(cause)}`, [`file: ${path}`]);
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function isSql(path: string): boolean {
  return extname(path).toLowerCase() === '.sql';
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
