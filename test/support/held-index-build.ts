// A CREATE INDEX CONCURRENTLY that cannot finish until the test lets it: the
// test keeps a write transaction open on the table, and the build waits for it
// ("waiting for writers before build") for as long as the test wants. The
// index exists, invalid, from the moment the build starts waiting.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { runCli } from './cli.ts';
import type { TestDatabase } from './database.ts';
import { migrationsDir } from './migrations-dir.ts';

export const INDEX_MIGRATION = '20270102000000000_vectors_hnsw';

export interface HeldIndexBuild {
  /** a migrations directory: the table's migration, applied, and the index migration, pending */
  dir: string;
  /** commits the write transaction: the build goes on */
  release(): Promise<void>;
}

export async function heldIndexBuild(db: TestDatabase): Promise<HeldIndexBuild> {
  const dir = migrationsDir(
    {
      '20270101000000000_vectors.sql':
        '-- Up Migration\ncreate extension if not exists vector;\ncreate table vectors (id int, v vector(768));\n' +
        'insert into vectors select i, array_fill(i::real, array[768])::vector from generate_series(1, 100) i;\n',
    },
    { shipped: false },
  );
  const table = await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
  if (table.code !== 0) throw new Error(`the vectors table was not created:\n${table.stderr}`);
  const writer = new pg.Client({ connectionString: db.url, application_name: 'held-writer' });
  // a test that restarts the server takes the writer down with it
  writer.on('error', () => undefined);
  await writer.connect();
  await writer.query(`begin; insert into vectors values (0, array_fill(0::real, array[768])::vector)`);
  writeFileSync(
    join(dir, `${INDEX_MIGRATION}.ts`),
    "export function up(pgm) {\n  pgm.noTransaction();\n  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS vectors_hnsw');\n" +
      "  pgm.sql('CREATE INDEX CONCURRENTLY vectors_hnsw ON vectors USING hnsw (v vector_l2_ops)');\n}\n",
  );
  let released = false;
  return {
    dir,
    release: async () => {
      if (released) return;
      released = true;
      await writer.query('commit');
      await writer.end();
    },
  };
}
