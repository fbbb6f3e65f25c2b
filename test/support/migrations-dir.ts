// The shipped migrations by name, and temporary migrations directories: the
// shipped migrations plus (or instead of) test files.
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHIPPED_MIGRATIONS } from './cli.ts';
import { temporaryDir } from './temporary.ts';

/** The shipped migrations by name, in order, read from the directory itself (not through the CLI's code). */
export const MIGRATIONS = readdirSync(SHIPPED_MIGRATIONS)
  .filter((file) => /^\d+.*\.(sql|js|ts|cjs|mjs)$/.test(file) && !file.endsWith('.d.ts'))
  .sort()
  .map((file) => file.replace(/\.[^.]+$/, ''));
export const BASELINE = MIGRATIONS[0]!;
export const HEAD = MIGRATIONS.at(-1)!;

export function migrationsDir(
  files: Record<string, string>,
  options: { shipped?: boolean } = { shipped: true },
): string {
  const dir = temporaryDir('mm-migrations-');
  if (options.shipped !== false) cpSync(SHIPPED_MIGRATIONS, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
