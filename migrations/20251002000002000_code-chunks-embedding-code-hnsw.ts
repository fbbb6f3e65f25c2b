// HNSW index for semantic search on code_chunks.embedding_code; completes Alembic a40a6de7d379.
// Built CONCURRENTLY in its own migration, so writes to code_chunks go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  alembic: ['a40a6de7d379'],
  sources: ['api/alembic/versions/20251016_0816-a40a6de7d379_add_code_chunks_table_with_dual_.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_embedding_code');
  pgm.sql(
    `CREATE INDEX CONCURRENTLY idx_code_embedding_code ON code_chunks USING hnsw (embedding_code vector_cosine_ops) WITH (m = 16, ef_construction = 64)`,
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_embedding_code');
}
