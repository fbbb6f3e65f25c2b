// The migrations directory as node-pg-migrate sees it (same files, names and
// order), with a checksum per file, read without loading any migration module:
// this is all the no-op path needs.
import { hash } from 'node:crypto';
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';

export interface MigrationFile {
  /** node-pg-migrate's name: the file name without its extension */
  name: string;
  path: string;
  /** sha256 of the file's bytes */
  checksum: string;
  /** checksums of earlier contents that did the same (rewritten/<name>.txt): not drift */
  formerChecksums: string[];
}

export const MIGRATION_EXTENSIONS = ['.sql', '.js', '.ts', '.cjs', '.mjs', '.cts', '.mts'];

export function listMigrations(dir: string): MigrationFile[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'is not readable'
          : code === 'ENOTDIR'
            ? 'is not a directory'
            : `cannot be read (${code})`;
    throw new ConfigError(`MIGRATIONS_DIR ${dir} ${why}`);
  }
  // like node-pg-migrate: regular files and links, dot files ignored
  const names = entries.filter((e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.')).map((e) => e.name);
  if (names.length === 0) throw new ConfigError(`MIGRATIONS_DIR ${dir} holds no migrations`);

  // every container start lists the directory: each name is taken apart once
  const found = names.map((file) => {
    const extension = extname(file);
    return { file, name: file.slice(0, -extension.length), extension, order: orderOf(file) };
  });
  const problems: string[] = [];
  for (const { file, extension, order } of found) {
    if (!MIGRATION_EXTENSIONS.includes(extension.toLowerCase()))
      problems.push(`${file}: not a migration (expected ${MIGRATION_EXTENSIONS.join(' ')})`);
    else if (!/^\d/.test(file)) problems.push(`${file}: a migration name must start with its number or timestamp`);
    else if (Number.isNaN(order)) problems.push(`${file}: a 17-digit prefix must be a UTC time, yyyyMMddHHmmssSSS`);
  }
  if (problems.length === 0) problems.push(...duplicates(found));
  if (problems.length > 0) throw new ConfigError(`MIGRATIONS_DIR ${dir} has files that cannot be migrations`, problems);

  const former = formerChecksums(dir);
  const root = (isAbsolute(dir) ? dir : resolve(dir)).replace(/\/$/, '');
  // numbers are unique (checked above), so they alone give node-pg-migrate's order
  return found
    .sort((a, b) => a.order - b.order)
    .map(({ file, name }) => {
      const path = `${root}/${file}`;
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        throw new ConfigError(`migration ${path} cannot be read (${(error as NodeJS.ErrnoException).code})`);
      }
      return { name, path, checksum: hash('sha256', bytes), formerChecksums: former(name) };
    });
}

/**
 * A migration rewritten after a release without changing what it does (a DO loop that became a
 * declared backfill) lists its former checksums in rewritten/<name>.txt, one `<sha256> <why>` a
 * line, so databases that applied the former content are not told it was edited.
 */
function formerChecksums(dir: string): (name: string) => string[] {
  let files: string[];
  try {
    files = readdirSync(resolve(dir, 'rewritten'));
  } catch {
    return () => []; // none: the usual case
  }
  return (name) => {
    if (!files.includes(`${name}.txt`)) return [];
    return readFileSync(resolve(dir, 'rewritten', `${name}.txt`), 'utf8')
      .split('\n')
      .flatMap((line) => /^([0-9a-f]{64})\b/.exec(line.trim())?.[1] ?? []);
  };
}

/**
 * node-pg-migrate's numeric prefix (its getNumericPrefix): a 17-digit prefix is a
 * UTC time (yyyyMMddHHmmssSSS) and counts as its epoch milliseconds, so it sorts
 * among Date.now() prefixes by time; any other prefix is its number. NaN without a number.
 */
export function orderOf(file: string): number {
  const digits = /^\d+/.exec(file)?.[0];
  if (digits === undefined) return Number.NaN;
  if (digits.length !== 17) return Number(digits);
  const [y, mo, d, h, mi, s, ms] = [0, 4, 6, 8, 10, 12, 14].map((at, i, all) => digits.slice(at, all[i + 1] ?? 17));
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`).valueOf();
}

// Two files with one name, or one number, would make the order ambiguous.
function duplicates(files: { file: string; name: string; order: number }[]): string[] {
  const problems: string[] = [];
  const byName = new Map<string, string>();
  const byOrder = new Map<number, string>();
  for (const { file, name, order } of files) {
    const sameName = byName.get(name);
    const sameOrder = byOrder.get(order);
    if (sameName) problems.push(`${sameName} and ${file} are the same migration ${name}`);
    else if (sameOrder) problems.push(`${sameOrder} and ${file} share the number ${/^\d+/.exec(file)![0]}`);
    byName.set(name, file);
    byOrder.set(order, file);
  }
  return problems;
}
