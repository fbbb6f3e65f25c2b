// Index on nodes repository + name for call resolution within a repository (v8_to_v9_add_node_name_field).
// Built CONCURRENTLY in its own migration, so writes to nodes go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v8_to_v9_add_node_name_field.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_nodes_repository_name');
  pgm.sql(
    `CREATE INDEX CONCURRENTLY idx_nodes_repository_name ON nodes ((properties ->> 'repository'), (properties ->> 'name'))`,
  );
  pgm.sql(
    `COMMENT ON INDEX idx_nodes_repository_name IS 'EPIC-27: Scoped lookups for call resolution within repository'`,
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_nodes_repository_name');
}
