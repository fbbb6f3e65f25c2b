// B-tree index on code_chunks.return_type (part of Alembic a1b2c3d4e5f6).
// Built CONCURRENTLY in its own migration, so writes to code_chunks go on during the build; an interrupted
// build leaves an invalid index, which the first statement drops before building it again.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  sources: ['api/alembic/versions/20260402_1000-a1b2c3d4e5f6_add_code_chunks_metadata_indexes.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_chunks_return_type');
  pgm.sql(`CREATE INDEX CONCURRENTLY idx_code_chunks_return_type ON code_chunks (return_type)`);
}

export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS idx_code_chunks_return_type');
}
