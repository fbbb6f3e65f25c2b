// code_chunks.name_path: the qualified name of a symbol, e.g. models.user.User.validate (hand-run v3_to_v4.sql).
// Its two indexes follow, built concurrently.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v3_to_v4.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql('ALTER TABLE code_chunks ADD COLUMN name_path TEXT');
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('ALTER TABLE code_chunks DROP COLUMN name_path');
}
