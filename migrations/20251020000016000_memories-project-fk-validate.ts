// Validates memories.project_id -> projects apart from the transaction that added it: VALIDATE scans memories
// under a lock that lets reads and writes go on.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v8_to_v9_create_projects_table.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql('ALTER TABLE memories VALIDATE CONSTRAINT fk_memories_project');
}

// PostgreSQL cannot un-validate a constraint: add it again NOT VALID (no scan), as the previous point had it
export function down(pgm: MigrationBuilder): void {
  pgm.sql(`
    ALTER TABLE memories
      DROP CONSTRAINT fk_memories_project,
      ADD CONSTRAINT fk_memories_project FOREIGN KEY (project_id) REFERENCES projects (id) NOT VALID
  `);
}
