// memory_decay_config: per-tag decay rate, consolidation threshold and search boost, with MnemoLite's 7 presets
// (Alembic e5a8b3c9d203).
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  alembic: ['e5a8b3c9d203'],
  sources: ['api/alembic/versions/20260327_2350-e5a8b3c9d203_add_memory_decay_config.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE memory_decay_config (
      tag_pattern VARCHAR(200) NOT NULL,
      decay_rate NUMERIC(6,4) NOT NULL,
      half_life_days INTEGER,
      auto_consolidate_threshold INTEGER,
      priority_boost NUMERIC(3,2) DEFAULT 0.0,
      created_at TIMESTAMPTZ DEFAULT now(),
      updated_at TIMESTAMPTZ DEFAULT now(),
      CONSTRAINT memory_decay_config_pkey PRIMARY KEY (tag_pattern)
    );
    INSERT INTO memory_decay_config (tag_pattern, decay_rate, half_life_days, auto_consolidate_threshold, priority_boost) VALUES
      ('sys:core',      0.000, NULL, NULL,  0.50),
      ('sys:anchor',    0.000, NULL, NULL,  0.50),
      ('sys:pattern',   0.005, 139,  NULL,  0.20),
      ('sys:extension', 0.010, 69,   NULL,  0.00),
      ('sys:history',   0.050, 14,   20,   -0.10),
      ('sys:drift',     0.020, 35,   NULL,  0.30),
      ('TRACE:FRESH',   0.100, 7,    NULL,  0.40);
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('DROP TABLE memory_decay_config');
}
