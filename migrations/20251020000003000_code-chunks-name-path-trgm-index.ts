// Trigram index for fuzzy search on code_chunks.name_path (hand-run v3_to_v4.sql).
// Built CONCURRENTLY in its own migration, so writes to code_chunks go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v3_to_v4.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_chunks_name_path_trgm');
  pgm.sql(`CREATE INDEX CONCURRENTLY idx_code_chunks_name_path_trgm ON code_chunks USING gin (name_path gin_trgm_ops)`);
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_chunks_name_path_trgm');
}
