// HNSW index on code_chunks.embedding_text_half (part of Alembic b7c2e4f8a901).
// Built CONCURRENTLY in its own migration, so writes to code_chunks go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  sources: ['api/alembic/versions/20260326_2245-b7c2e4f8a901_add_halfvec_embeddings_to_code_chunks.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_emb_text_half');
  pgm.sql(
    `CREATE INDEX CONCURRENTLY idx_code_emb_text_half ON code_chunks USING hnsw (embedding_text_half halfvec_cosine_ops) WITH (m = 16, ef_construction = 128)`,
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_emb_text_half');
}
