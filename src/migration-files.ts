// The migrations directory as node-pg-migrate sees it (same files, names and
// order), with a checksum per file, read without loading any migration module:
// this is all the no-op path needs.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { compareMigrationFileNames } from 'node-pg-migrate/utils/comparators';
import { ConfigError } from './errors.ts';

export interface MigrationFile {
  /** node-pg-migrate's name: the file name without its extension */
  name: string;
  path: string;
  /** sha256 of the file's bytes */
  checksum: string;
}

export const MIGRATION_EXTENSIONS = ['.sql', '.js', '.ts', '.cjs', '.mjs', '.cts', '.mts'];

const silent = { debug() {}, info() {}, warn() {}, error() {} };

export function listMigrations(dir: string): MigrationFile[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code})`;
    throw new ConfigError(`MIGRATIONS_DIR ${dir} ${why}`);
  }
  // like node-pg-migrate: regular files and links, dot files ignored
  const names = entries.filter((e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.')).map((e) => e.name);
  if (names.length === 0) throw new ConfigError(`MIGRATIONS_DIR ${dir} holds no migrations`);

  const problems: string[] = [];
  for (const name of names) {
    if (!MIGRATION_EXTENSIONS.includes(extname(name).toLowerCase())) problems.push(`${name}: not a migration (expected ${MIGRATION_EXTENSIONS.join(' ')})`);
    else if (!/^\d+/.test(name)) problems.push(`${name}: a migration name must start with its number or timestamp`);
  }
  if (problems.length === 0) problems.push(...duplicates(names));
  if (problems.length > 0) throw new ConfigError(`MIGRATIONS_DIR ${dir} has files that cannot be migrations`, problems);

  return names
    .toSorted((a, b) => compareMigrationFileNames(a, b, silent))
    .map((file) => {
      const path = resolve(dir, file);
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        throw new ConfigError(`migration ${path} cannot be read (${(error as NodeJS.ErrnoException).code})`);
      }
      return { name: file.slice(0, -extname(file).length), path, checksum: createHash('sha256').update(bytes).digest('hex') };
    });
}

// Two files with one name, or one number, would make the order ambiguous.
function duplicates(files: string[]): string[] {
  const problems: string[] = [];
  const byName = new Map<string, string>();
  const byNumber = new Map<string, string>();
  for (const file of files) {
    const name = file.slice(0, -extname(file).length);
    const number = /^\d+/.exec(file)![0];
    const sameName = byName.get(name);
    const sameNumber = byNumber.get(number);
    if (sameName) problems.push(`${sameName} and ${file} are the same migration ${name}`);
    else if (sameNumber) problems.push(`${sameNumber} and ${file} share the number ${number}`);
    byName.set(name, file);
    byNumber.set(number, file);
  }
  return problems;
}
