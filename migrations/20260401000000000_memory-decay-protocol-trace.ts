// Data only: decay presets sys:protocol and sys:trace (Alembic f1a2b3c4d506). Re-runnable: an existing
// row of the same tag is left as it is.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  alembic: ['f1a2b3c4d506'],
  sources: ['api/alembic/versions/20260401_0900-f1a2b3c4d506_add_protocol_trace_decay_presets.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    INSERT INTO memory_decay_config (tag_pattern, decay_rate, half_life_days, auto_consolidate_threshold, priority_boost) VALUES
      ('sys:protocol', 0.002, 347, NULL,  0.30),
      ('sys:trace',    0.080, 9,   50,   -0.10)
    ON CONFLICT (tag_pattern) DO NOTHING
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DELETE FROM memory_decay_config WHERE tag_pattern IN ('sys:protocol', 'sys:trace')`);
}
