// memories.outcome_positive / outcome_negative / outcome_score / last_outcome_at: how useful a memory proved
// (Alembic 20260410_0000). Constant defaults: no rewrite. Its two partial indexes follow.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['api/alembic/versions/20260410_0000_add_outcome_tracking.py'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    ALTER TABLE memories
      ADD COLUMN outcome_positive INTEGER DEFAULT 0,
      ADD COLUMN outcome_negative INTEGER DEFAULT 0,
      ADD COLUMN outcome_score DOUBLE PRECISION,
      ADD COLUMN last_outcome_at TIMESTAMPTZ;
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(
    'ALTER TABLE memories DROP COLUMN last_outcome_at, DROP COLUMN outcome_score, DROP COLUMN outcome_negative, DROP COLUMN outcome_positive',
  );
}
