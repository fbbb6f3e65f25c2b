// One change per migration. `mnemolite-migrate plan` shows the SQL exactly as
// it will run; `mnemolite-migrate lint` checks it against the live-database rules.
import type { MigrationBuilder } from 'node-pg-migrate';

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    -- ALTER TABLE <table> ADD COLUMN <column> <type>;
  `);
}

// Undo exactly what up did, and drop nothing that up did not create.
export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    -- ALTER TABLE <table> DROP COLUMN <column>;
  `);
}
