// Rich code metadata: detailed_metadata, computed_metrics (per graph node and chunk), edge_weights, and
// edges.weight / edges.is_external (hand-run v9_to_v10_rich_metadata.sql). The two edges indexes follow.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v9_to_v10_rich_metadata.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE detailed_metadata (
      metadata_id UUID NOT NULL DEFAULT gen_random_uuid(),
      node_id UUID NOT NULL,
      chunk_id UUID NOT NULL,
      metadata JSONB NOT NULL DEFAULT '{}'::jsonb,
      version INTEGER DEFAULT 1,
      created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now(),
      updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now(),
      CONSTRAINT detailed_metadata_pkey PRIMARY KEY (metadata_id),
      CONSTRAINT detailed_metadata_node_id_fkey FOREIGN KEY (node_id) REFERENCES nodes (node_id) ON DELETE CASCADE,
      CONSTRAINT detailed_metadata_chunk_id_fkey FOREIGN KEY (chunk_id) REFERENCES code_chunks (id) ON DELETE CASCADE,
      CONSTRAINT detailed_metadata_node_id_version_key UNIQUE (node_id, version)
    );
    CREATE INDEX idx_detailed_metadata_node ON detailed_metadata (node_id);
    CREATE INDEX idx_detailed_metadata_chunk ON detailed_metadata (chunk_id);
    CREATE INDEX idx_detailed_metadata_version ON detailed_metadata (version);
    CREATE INDEX idx_detailed_metadata_gin ON detailed_metadata USING gin (metadata);

    CREATE TABLE computed_metrics (
      metric_id UUID NOT NULL DEFAULT gen_random_uuid(),
      node_id UUID NOT NULL,
      chunk_id UUID NOT NULL,
      repository TEXT NOT NULL,
      cyclomatic_complexity INTEGER DEFAULT 0,
      cognitive_complexity INTEGER DEFAULT 0,
      lines_of_code INTEGER DEFAULT 0,
      afferent_coupling INTEGER DEFAULT 0,
      efferent_coupling INTEGER DEFAULT 0,
      pagerank_score DOUBLE PRECISION,
      betweenness_centrality DOUBLE PRECISION,
      version INTEGER DEFAULT 1,
      computed_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now(),
      CONSTRAINT computed_metrics_pkey PRIMARY KEY (metric_id),
      CONSTRAINT computed_metrics_node_id_fkey FOREIGN KEY (node_id) REFERENCES nodes (node_id) ON DELETE CASCADE,
      CONSTRAINT computed_metrics_chunk_id_fkey FOREIGN KEY (chunk_id) REFERENCES code_chunks (id) ON DELETE CASCADE,
      CONSTRAINT computed_metrics_node_id_version_key UNIQUE (node_id, version)
    );
    CREATE INDEX idx_computed_metrics_node ON computed_metrics (node_id);
    CREATE INDEX idx_computed_metrics_chunk ON computed_metrics (chunk_id);
    CREATE INDEX idx_computed_metrics_repository ON computed_metrics (repository);
    CREATE INDEX idx_computed_metrics_version ON computed_metrics (version);
    CREATE INDEX idx_computed_metrics_complexity ON computed_metrics (cyclomatic_complexity DESC);
    CREATE INDEX idx_computed_metrics_pagerank ON computed_metrics (pagerank_score DESC NULLS LAST);

    CREATE TABLE edge_weights (
      weight_id UUID NOT NULL DEFAULT gen_random_uuid(),
      edge_id UUID NOT NULL,
      call_count INTEGER DEFAULT 1,
      importance_score DOUBLE PRECISION DEFAULT 1.0,
      is_critical_path BOOLEAN DEFAULT false,
      version INTEGER DEFAULT 1,
      updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now(),
      CONSTRAINT edge_weights_pkey PRIMARY KEY (weight_id),
      CONSTRAINT edge_weights_edge_id_fkey FOREIGN KEY (edge_id) REFERENCES edges (edge_id) ON DELETE CASCADE,
      CONSTRAINT edge_weights_edge_id_version_key UNIQUE (edge_id, version)
    );
    CREATE INDEX idx_edge_weights_edge ON edge_weights (edge_id);
    CREATE INDEX idx_edge_weights_version ON edge_weights (version);
    CREATE INDEX idx_edge_weights_importance ON edge_weights (importance_score DESC);

    -- constant defaults: no table rewrite
    ALTER TABLE edges
      ADD COLUMN weight DOUBLE PRECISION DEFAULT 1.0,
      ADD COLUMN is_external BOOLEAN DEFAULT false;
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`
    ALTER TABLE edges DROP COLUMN is_external, DROP COLUMN weight;
    DROP TABLE edge_weights;
    DROP TABLE computed_metrics;
    DROP TABLE detailed_metadata;
  `);
}
