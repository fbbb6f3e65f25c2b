// alert_rules: alert thresholds managed from the UI, seeded with the 8 thresholds the code had hard-coded
// (Alembic c3d4e5f6a7b8).
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  alembic: ['c3d4e5f6a7b8'],
  sources: ['api/alembic/versions/20260402_1200-c3d4e5f6a7b8_add_alert_rules_table.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE alert_rules (
      id UUID NOT NULL DEFAULT gen_random_uuid(),
      name VARCHAR(100) NOT NULL,
      alert_type VARCHAR(50) NOT NULL,
      threshold DOUBLE PRECISION NOT NULL,
      severity VARCHAR(20) NOT NULL DEFAULT 'warning',
      cooldown_seconds INTEGER NOT NULL DEFAULT 300,
      enabled BOOLEAN NOT NULL DEFAULT true,
      metadata JSONB NOT NULL DEFAULT '{}'::jsonb,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      CONSTRAINT alert_rules_pkey PRIMARY KEY (id),
      CONSTRAINT alert_rules_alert_type_check CHECK (alert_type IN (
        'cache_hit_rate_low', 'memory_high', 'slow_queries', 'error_rate_high',
        'evictions_high', 'cpu_high', 'disk_high', 'connections_high'
      )),
      CONSTRAINT alert_rules_severity_check CHECK (severity IN ('info', 'warning', 'critical'))
    );
    CREATE INDEX idx_alert_rules_type ON alert_rules (alert_type);
    CREATE INDEX idx_alert_rules_enabled ON alert_rules (enabled);

    INSERT INTO alert_rules (name, alert_type, threshold, severity, cooldown_seconds) VALUES
      ('Cache Hit Rate Low', 'cache_hit_rate_low', 0.8, 'warning', 300),
      ('Memory Usage High', 'memory_high', 0.85, 'critical', 600),
      ('Slow Queries Detected', 'slow_queries', 1.0, 'warning', 300),
      ('Error Rate High', 'error_rate_high', 0.05, 'critical', 300),
      ('Evictions High', 'evictions_high', 10.0, 'warning', 300),
      ('CPU Usage High', 'cpu_high', 0.8, 'warning', 300),
      ('Disk Usage High', 'disk_high', 0.9, 'critical', 600),
      ('Connections High', 'connections_high', 0.8, 'warning', 300);
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('DROP TABLE alert_rules');
}
