// Partial index on the memories not consumed yet; completes Alembic c4d7f2a8e102.
// Built CONCURRENTLY in its own migration, so writes to memories go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  alembic: ['c4d7f2a8e102'],
  sources: ['api/alembic/versions/20260327_2315-c4d7f2a8e102_add_consumption_tracking_to_memories.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_memories_fresh');
  pgm.sql(`CREATE INDEX CONCURRENTLY idx_memories_fresh ON memories (consumed_at) WHERE consumed_at IS NULL`);
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_memories_fresh');
}
