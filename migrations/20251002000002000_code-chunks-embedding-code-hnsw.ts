// HNSW index on code_chunks.embedding_code, built without blocking writes.
// One concurrent index per migration: if the build is interrupted, only this
// migration is repeated, and it first drops the invalid index the interruption left.
import type { MigrationBuilder } from 'node-pg-migrate';

// Alembic's a40a6de7d379 created code_chunks with both HNSW indexes: it ends here.
export const adopt = { alembicRevision: 'a40a6de7d379', expects: { indexes: ['idx_code_embedding_code'] } };

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_embedding_code');
  pgm.sql(
    'CREATE INDEX CONCURRENTLY idx_code_embedding_code ON code_chunks USING hnsw (embedding_code vector_cosine_ops) WITH (m = 16, ef_construction = 64)',
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_embedding_code');
}
