// alerts: threshold alerts raised by the application, acknowledged by a user (hand-run v6_to_v7_alerts_table.sql).
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v6_to_v7_alerts_table.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE alerts (
      id UUID NOT NULL DEFAULT gen_random_uuid(),
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      alert_type VARCHAR(50) NOT NULL,
      severity VARCHAR(20) NOT NULL,
      message TEXT NOT NULL,
      value DOUBLE PRECISION NOT NULL,
      threshold DOUBLE PRECISION NOT NULL,
      metadata JSONB DEFAULT '{}'::jsonb,
      acknowledged BOOLEAN NOT NULL DEFAULT false,
      acknowledged_at TIMESTAMPTZ,
      acknowledged_by VARCHAR(100),
      CONSTRAINT alerts_pkey PRIMARY KEY (id),
      CONSTRAINT valid_severity CHECK (severity IN ('info', 'warning', 'critical')),
      CONSTRAINT valid_alert_type CHECK (alert_type IN (
        'cache_hit_rate_low', 'memory_high', 'slow_queries', 'error_rate_high',
        'evictions_high', 'cpu_high', 'disk_high', 'connections_high'
      ))
    );
    CREATE INDEX idx_alerts_severity_ack ON alerts (severity, acknowledged, created_at DESC);
    CREATE INDEX idx_alerts_time ON alerts (created_at DESC);
    CREATE INDEX idx_alerts_type ON alerts (alert_type);
    CREATE INDEX idx_alerts_unacknowledged ON alerts (acknowledged) WHERE acknowledged = false;
    CREATE INDEX idx_alerts_metadata ON alerts USING gin (metadata jsonb_path_ops);
    COMMENT ON TABLE alerts IS 'EPIC-22 Story 22.7: Smart alerting for automatic threshold-based notifications';
    COMMENT ON COLUMN alerts.alert_type IS 'Type of alert (cache_hit_rate_low, memory_high, slow_queries, error_rate_high, evictions_high, cpu_high, disk_high, connections_high)';
    COMMENT ON COLUMN alerts.severity IS 'Severity level: info, warning, critical';
    COMMENT ON COLUMN alerts.message IS 'Human-readable alert message';
    COMMENT ON COLUMN alerts.value IS 'Current value that triggered the alert';
    COMMENT ON COLUMN alerts.threshold IS 'Threshold value that was crossed';
    COMMENT ON COLUMN alerts.metadata IS 'Additional context (endpoint, query, time window, etc.)';
    COMMENT ON COLUMN alerts.acknowledged IS 'Whether alert has been acknowledged by user';
    COMMENT ON COLUMN alerts.acknowledged_at IS 'Timestamp when alert was acknowledged';
    COMMENT ON COLUMN alerts.acknowledged_by IS 'User or system that acknowledged the alert';
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('DROP TABLE alerts');
}
