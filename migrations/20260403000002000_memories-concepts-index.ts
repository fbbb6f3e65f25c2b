// GIN index for containment queries on memories.concepts; completes Alembic 20260403_0000.
// Built CONCURRENTLY in its own migration, so writes to memories go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  alembic: ['20260403_0000'],
  sources: ['api/alembic/versions/20260403_0000_add_entity_extraction_columns.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_memories_concepts_gin');
  pgm.sql(`CREATE INDEX CONCURRENTLY idx_memories_concepts_gin ON memories USING gin (concepts jsonb_path_ops)`);
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_memories_concepts_gin');
}
