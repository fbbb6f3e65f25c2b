// Index on nodes.properties->>'chunk_id' for the graph's join with code_chunks (hand-run v4_to_v5).
// Built CONCURRENTLY in its own migration, so writes to nodes go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v4_to_v5_performance_indexes.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_nodes_chunk_id_functional');
  pgm.sql(
    `CREATE INDEX CONCURRENTLY idx_nodes_chunk_id_functional ON nodes ((properties ->> 'chunk_id')) WHERE (properties ->> 'chunk_id') IS NOT NULL`,
  );
  pgm.sql(`COMMENT ON INDEX idx_nodes_chunk_id_functional IS 'Story 11.3: Functional index on chunk_id extraction (text) for fast JOINs with code_chunks.
PostgreSQL will use this index for UUID casting in JOIN conditions.
Improves graph data endpoint performance by ~40% (45ms → 25ms).
Created: 2025-10-21'`);
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_nodes_chunk_id_functional');
}
