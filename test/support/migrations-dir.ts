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

export function migrationsDir(files: Record<string, string>, options: { shipped?: boolean } = { shipped: true }): string {
  const dir = temporaryDir('mm-migrations-');
  if (options.shipped !== false) cpSync(SHIPPED_MIGRATIONS, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/**
 * A table of random 768-d vectors and a migration that builds an HNSW index on it
 * concurrently (dropping a leftover first, as the shipped ones do): a build that
 * takes a few seconds on these machines with a few thousand rows.
 */
export function vectorIndexMigrations(rows: number): Record<string, string> {
  return {
    '20260101000000000_vectors.sql':
      '-- Up Migration\ncreate table vectors (id int, v vector(768));\n' +
      `insert into vectors select i, (select array_agg(random()::real) from generate_series(1, 768) where i > 0)::vector from generate_series(1, ${rows}) i;\n`,
    '20260102000000000_vectors_hnsw.ts':
      "export function up(pgm) {\n  pgm.noTransaction();\n  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS vectors_hnsw');\n" +
      "  pgm.sql('CREATE INDEX CONCURRENTLY vectors_hnsw ON vectors USING hnsw (v vector_cosine_ops)');\n}\n",
  };
}
