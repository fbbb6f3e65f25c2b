// metrics: time series for observability (API latency, cache and database figures) (hand-run v5_to_v6_metrics_table.sql).
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v5_to_v6_metrics_table.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE metrics (
      id UUID NOT NULL DEFAULT gen_random_uuid(),
      "timestamp" TIMESTAMPTZ NOT NULL DEFAULT now(),
      metric_type VARCHAR(50) NOT NULL,
      metric_name VARCHAR(100) NOT NULL,
      value DOUBLE PRECISION NOT NULL,
      metadata JSONB DEFAULT '{}'::jsonb,
      CONSTRAINT metrics_pkey PRIMARY KEY (id),
      CONSTRAINT valid_metric_type CHECK (metric_type IN ('api', 'redis', 'postgres', 'system', 'cache'))
    );
    CREATE INDEX idx_metrics_type_time ON metrics (metric_type, "timestamp" DESC);
    CREATE INDEX idx_metrics_time ON metrics ("timestamp" DESC);
    CREATE INDEX idx_metrics_name ON metrics (metric_name);
    CREATE INDEX idx_metrics_type_name_time ON metrics (metric_type, metric_name, "timestamp" DESC);
    COMMENT ON TABLE metrics IS 'EPIC-22: Time-series metrics for observability (API latency, cache stats, DB performance)';
    COMMENT ON COLUMN metrics.metric_type IS 'Category: api, redis, postgres, system, cache';
    COMMENT ON COLUMN metrics.metric_name IS 'Specific metric: latency_ms, hit_rate, connections, cpu_percent, etc.';
    COMMENT ON COLUMN metrics.value IS 'Numeric value (float)';
    COMMENT ON COLUMN metrics.metadata IS 'Additional context (endpoint, method, status_code, etc.)';
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('DROP TABLE metrics');
}
