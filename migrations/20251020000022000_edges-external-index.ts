// Index on edges.is_external; completes the hand-run SQL (the state just before Alembic b7c2e4f8a901).
// Built CONCURRENTLY in its own migration, so writes to edges go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v9_to_v10_rich_metadata.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_edges_external');
  pgm.sql(`CREATE INDEX CONCURRENTLY idx_edges_external ON edges (is_external)`);
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_edges_external');
}
