// GIN index (jsonb_ops) on code_chunks.metadata, next to the jsonb_path_ops one; completes Alembic a1b2c3d4e5f6 and
// b2c3d4e5f6a7 (a no-op here: the hand-run SQL made its trigram indexes). Built CONCURRENTLY in its own migration, so
// writes go on; an interrupted build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  alembic: ['a1b2c3d4e5f6', 'b2c3d4e5f6a7'],
  sources: [
    'api/alembic/versions/20260402_1000-a1b2c3d4e5f6_add_code_chunks_metadata_indexes.py',
    'api/alembic/versions/20260402_1100-b2c3d4e5f6a7_add_memories_content_trigram_index.py',
  ],
};

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_chunks_metadata_gin');
  pgm.sql(`CREATE INDEX CONCURRENTLY idx_code_chunks_metadata_gin ON code_chunks USING gin (metadata)`);
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_chunks_metadata_gin');
}
