// HNSW index on code_chunks.embedding_text, built without blocking writes.
// One concurrent index per migration: if the build is interrupted, only this
// migration is repeated, and it first drops the invalid index the interruption left.
import type { MigrationBuilder } from 'node-pg-migrate';

export const adopt = { expects: { indexes: ['idx_code_embedding_text'] } };

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_embedding_text');
  pgm.sql(
    'CREATE INDEX CONCURRENTLY idx_code_embedding_text ON code_chunks USING hnsw (embedding_text vector_cosine_ops) WITH (m = 16, ef_construction = 64)',
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_embedding_text');
}
