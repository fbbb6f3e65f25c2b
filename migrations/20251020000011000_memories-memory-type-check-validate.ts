// Validates the widened chk_memory_type of the previous migration, apart from the transaction that added it:
// VALIDATE scans memories under a lock that lets reads and writes go on.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v8_to_v9_add_embedding_source.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql('ALTER TABLE memories VALIDATE CONSTRAINT chk_memory_type');
}

// PostgreSQL cannot un-validate a constraint: add it again NOT VALID (no scan), as the previous point had it
export function down(pgm: MigrationBuilder): void {
  pgm.sql(`
    ALTER TABLE memories
      DROP CONSTRAINT chk_memory_type,
      ADD CONSTRAINT chk_memory_type CHECK (memory_type IN ('note', 'decision', 'task', 'reference', 'conversation', 'investigation')) NOT VALID
  `);
}
