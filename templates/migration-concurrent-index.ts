// Builds an index without blocking writes. CONCURRENTLY cannot run inside a
// transaction, so this migration opts out of it, and each statement gets its
// own pgm.sql call (several statements in one call would share an implicit one).
// Replace <index>, <table> and <column>; keep one index per migration.
import type { MigrationBuilder } from 'node-pg-migrate';

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.noTransaction();
  // An interrupted build leaves an INVALID index that IF NOT EXISTS would keep:
  // drop it, so running this migration again builds the index anew.
  pgm.sql(`DROP INDEX CONCURRENTLY IF EXISTS "<index>"`);
  pgm.sql(`CREATE INDEX CONCURRENTLY IF NOT EXISTS "<index>" ON "<table>" ("<column>")`);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.noTransaction();
  pgm.sql(`DROP INDEX CONCURRENTLY IF EXISTS "<index>"`);
}
