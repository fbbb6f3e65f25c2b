// memories.entities, concepts (jsonb lists) and auto_tags (text, default '{}': text, not text[], as in MnemoLite)
// from entity extraction (Alembic 20260403_0000). Constant defaults: no rewrite. Its two GIN indexes follow.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['api/alembic/versions/20260403_0000_add_entity_extraction_columns.py'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    ALTER TABLE memories
      ADD COLUMN entities JSONB DEFAULT '[]'::jsonb,
      ADD COLUMN concepts JSONB DEFAULT '[]'::jsonb,
      ADD COLUMN auto_tags TEXT DEFAULT '{}'::text;
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('ALTER TABLE memories DROP COLUMN auto_tags, DROP COLUMN concepts, DROP COLUMN entities');
}
