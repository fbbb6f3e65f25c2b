// HNSW index on memories.embedding_half; completes Alembic b7c2e4f8a901.
// Built CONCURRENTLY in its own migration, so writes to memories go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  alembic: ['b7c2e4f8a901'],
  sources: ['api/alembic/versions/20260326_2245-b7c2e4f8a901_add_halfvec_embeddings_to_code_chunks.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_memories_embedding_half');
  pgm.sql(
    `CREATE INDEX CONCURRENTLY idx_memories_embedding_half ON memories USING hnsw (embedding_half halfvec_cosine_ops) WITH (m = 16, ef_construction = 128)`,
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_memories_embedding_half');
}
