// Index on edges.weight, heaviest first (hand-run v9_to_v10_rich_metadata.sql).
// Built CONCURRENTLY in its own migration, so writes to edges go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v9_to_v10_rich_metadata.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_edges_weight');
  pgm.sql(`CREATE INDEX CONCURRENTLY idx_edges_weight ON edges (weight DESC)`);
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_edges_weight');
}
