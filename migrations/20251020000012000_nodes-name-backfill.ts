// Data only: gives every graph node properties.name (from its label) and properties.node_type ('function' when
// missing), which call resolution looks up (hand-run v8_to_v9_add_node_name_field.sql). Re-runnable.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v8_to_v9_add_node_name_field.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    UPDATE nodes SET properties = properties || jsonb_build_object('name', label) WHERE properties ->> 'name' IS NULL;
    UPDATE nodes SET properties = properties || jsonb_build_object('node_type', 'function') WHERE properties ->> 'node_type' IS NULL;
  `);
}

// A no-op: the indexer writes both keys itself, so the values this added cannot be told apart from its own
export function down(): void {}
