// Builds an index without blocking writes. CONCURRENTLY cannot run inside a
// transaction, so this migration opts out of it, and each statement gets its
// own pgm.sql call (several statements in one call would share an implicit one).
// Replace <index>, <table> and <column> before running.
//
// If the build fails (or is interrupted), PostgreSQL keeps an INVALID index of
// that name, which IF NOT EXISTS would then skip: drop it with
// DROP INDEX CONCURRENTLY IF EXISTS <index> before running again.
import type { MigrationBuilder } from 'node-pg-migrate';

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.noTransaction();
  pgm.sql(`CREATE INDEX CONCURRENTLY IF NOT EXISTS "<index>" ON "<table>" ("<column>")`);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.noTransaction();
  pgm.sql(`DROP INDEX CONCURRENTLY IF EXISTS "<index>"`);
}
