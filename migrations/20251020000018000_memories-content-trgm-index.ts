// Trigram index on the first 10000 characters of memories.content (v9_to_v10_add_trgm_index_memories.sql).
// Built CONCURRENTLY in its own migration, so writes to memories go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
// A database whose operator never ran the hand-run file got the index from Alembic b2c3d4e5f6a7 instead,
// on the whole content: adoption finds that earlier form and runs this migration again, which rebuilds it.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  sources: ['db/migrations/v9_to_v10_add_trgm_index_memories.sql'],
  earlierForms: [
    'index public.memories.idx_memories_content_trgm: CREATE INDEX idx_memories_content_trgm ON public.memories USING gin (content public.gin_trgm_ops)',
  ],
};

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_memories_content_trgm');
  pgm.sql(
    `CREATE INDEX CONCURRENTLY idx_memories_content_trgm ON memories USING gin (left(content, 10000) gin_trgm_ops)`,
  );
  pgm.sql(
    `COMMENT ON INDEX idx_memories_content_trgm IS 'EPIC-24: Trigram index for lexical search on content (first 10K chars, hybrid search)'`,
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_memories_content_trgm');
}
