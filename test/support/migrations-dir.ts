// Temporary migrations directories: the shipped migrations plus (or instead of) test files.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIPPED_MIGRATIONS } from './cli.ts';

export function migrationsDir(files: Record<string, string>, options: { shipped?: boolean } = { shipped: true }): string {
  const dir = mkdtempSync(join(tmpdir(), 'mm-migrations-'));
  if (options.shipped !== false) cpSync(SHIPPED_MIGRATIONS, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export const BASELINE = '20251001000000000_baseline';
export const HEAD = '20251002000002000_code-chunks-embedding-code-hnsw';

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
