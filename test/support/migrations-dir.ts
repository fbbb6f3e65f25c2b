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
