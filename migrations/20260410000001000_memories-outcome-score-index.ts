// Partial index on memories.outcome_score (part of Alembic 20260410_0000).
// Built CONCURRENTLY in its own migration, so writes to memories go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['api/alembic/versions/20260410_0000_add_outcome_tracking.py'] };

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_memories_outcome_score');
  pgm.sql(
    `CREATE INDEX CONCURRENTLY idx_memories_outcome_score ON memories (outcome_score) WHERE outcome_score IS NOT NULL`,
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_memories_outcome_score');
}
