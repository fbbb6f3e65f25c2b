// code_chunks.return_type, a STORED column generated from metadata->>'return_type' (Alembic a1b2c3d4e5f6; its
// `repository` twin changes nothing: code_chunks has had a plain repository column since a40a6de7d379).
// Adding a STORED generated column rewrites code_chunks under an exclusive lock: no other way keeps the column generated.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  sources: ['api/alembic/versions/20260402_1000-a1b2c3d4e5f6_add_code_chunks_metadata_indexes.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.sql(
    `ALTER TABLE code_chunks ADD COLUMN return_type TEXT GENERATED ALWAYS AS (metadata ->> 'return_type') STORED`,
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('ALTER TABLE code_chunks DROP COLUMN return_type');
}
