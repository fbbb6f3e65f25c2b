// N trivial migrations that every tool reads the same way: node-pg-migrate's SQL
// format (`-- Up Migration` / `-- Down Migration`), one small table each,
// numbered so that name order is apply order.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function migrationName(index: number): string {
  return `${String(index).padStart(6, '0')}_m${index}`;
}

export function migrationSql(index: number): string {
  return [
    '-- Up Migration',
    `create table bench_t${index} (id integer primary key, note text);`,
    '',
    '-- Down Migration',
    `drop table bench_t${index};`,
    '',
  ].join('\n');
}

/** Writes `count` migrations into `dir` (emptied first) and returns `dir`. */
export function generateMigrations(dir: string, count: number): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let index = 1; index <= count; index++)
    writeFileSync(join(dir, `${migrationName(index)}.sql`), migrationSql(index));
  return dir;
}
