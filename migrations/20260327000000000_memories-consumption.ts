// memories.consumed_at / consumed_by: an agent marks a memory consumed once processed; NULL means fresh
// (Alembic c4d7f2a8e102). Its partial index follows, built concurrently.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  sources: ['api/alembic/versions/20260327_2315-c4d7f2a8e102_add_consumption_tracking_to_memories.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    -- DEFAULT NULL as MnemoLite wrote it: on varchar(100) it is kept as a default (NULL::character varying)
    ALTER TABLE memories
      ADD COLUMN consumed_at TIMESTAMPTZ DEFAULT NULL,
      ADD COLUMN consumed_by VARCHAR(100) DEFAULT NULL;
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('ALTER TABLE memories DROP COLUMN consumed_by, DROP COLUMN consumed_at');
}
