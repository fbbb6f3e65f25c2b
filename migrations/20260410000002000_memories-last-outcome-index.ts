// Partial index on memories.last_outcome_at; completes Alembic 20260410_0000, MnemoLite's head.
// Built CONCURRENTLY in its own migration, so writes to memories go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  alembic: ['20260410_0000'],
  sources: ['api/alembic/versions/20260410_0000_add_outcome_tracking.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_memories_last_outcome');
  pgm.sql(
    `CREATE INDEX CONCURRENTLY idx_memories_last_outcome ON memories (last_outcome_at) WHERE last_outcome_at IS NOT NULL`,
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_memories_last_outcome');
}
