// B-tree index for exact lookups of code_chunks.name_path (hand-run v3_to_v4.sql).
// Built CONCURRENTLY in its own migration, so writes to code_chunks go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v3_to_v4.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_chunks_name_path');
  pgm.sql(`CREATE INDEX CONCURRENTLY idx_code_chunks_name_path ON code_chunks (name_path)`);
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_chunks_name_path');
}
