// error_logs: the application's central error log, and three views over it (hand-run v5_to_v6_error_tracking.sql).
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v5_to_v6_error_tracking.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE error_logs (
      id UUID NOT NULL DEFAULT gen_random_uuid(),
      "timestamp" TIMESTAMPTZ NOT NULL DEFAULT now(),
      severity TEXT NOT NULL,
      category TEXT NOT NULL,
      service TEXT NOT NULL,
      error_type TEXT NOT NULL,
      message TEXT NOT NULL,
      stack_trace TEXT,
      context JSONB,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      CONSTRAINT error_logs_pkey PRIMARY KEY (id),
      CONSTRAINT error_logs_severity_check CHECK (severity IN ('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'))
    );
    COMMENT ON TABLE error_logs IS 'Story 12.4: Centralized error tracking for all application errors.
Stores structured error data with severity, category, service context.
Used for error analytics, alerting, and debugging.
Created: 2025-10-22';
    CREATE INDEX idx_error_logs_timestamp ON error_logs ("timestamp" DESC);
    CREATE INDEX idx_error_logs_severity ON error_logs (severity);
    CREATE INDEX idx_error_logs_category ON error_logs (category);
    CREATE INDEX idx_error_logs_service ON error_logs (service);
    CREATE INDEX idx_error_logs_error_type ON error_logs (error_type);
    CREATE INDEX idx_error_logs_severity_timestamp ON error_logs (severity, "timestamp" DESC);
    CREATE INDEX idx_error_logs_context ON error_logs USING gin (context);

    CREATE VIEW error_summary_24h AS
    SELECT category, service, error_type, severity,
           count(*) AS total_count, max("timestamp") AS last_occurrence, min("timestamp") AS first_occurrence
      FROM error_logs
     WHERE "timestamp" > now() - interval '24 hours'
     GROUP BY category, service, error_type, severity
     ORDER BY total_count DESC;
    COMMENT ON VIEW error_summary_24h IS 'Story 12.4: Aggregated error summary for the last 24 hours.
Groups errors by category, service, type, and severity.
Used for error dashboard and trend analysis.';

    CREATE VIEW critical_errors_recent AS
    SELECT *
      FROM error_logs
     WHERE severity = 'CRITICAL' AND "timestamp" > now() - interval '1 hour'
     ORDER BY "timestamp" DESC;
    COMMENT ON VIEW critical_errors_recent IS 'Story 12.4: Recent critical errors requiring immediate attention.
Shows all CRITICAL severity errors from the last hour.
Used for alert monitoring and incident response.';

    CREATE VIEW error_rate_hourly AS
    SELECT date_trunc('hour', "timestamp") AS hour, severity, count(*) AS error_count
      FROM error_logs
     WHERE "timestamp" > now() - interval '24 hours'
     GROUP BY hour, severity
     ORDER BY hour DESC, severity;
    COMMENT ON VIEW error_rate_hourly IS 'Story 12.4: Hourly error rate trends for the last 24 hours.
Shows error distribution over time by severity.
Used for trend analysis and spike detection.';
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`
    DROP VIEW error_rate_hourly;
    DROP VIEW critical_errors_recent;
    DROP VIEW error_summary_24h;
    DROP TABLE error_logs;
  `);
}
