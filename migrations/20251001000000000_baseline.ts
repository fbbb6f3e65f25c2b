// The baseline: MnemoLite's schema as its init scripts created it before any
// migration existed. On an empty database it runs and creates that schema; on a
// database that already has it, `up` checks `adopt.expects` and records it
// without running it. Nothing goes below it, so it has no down.
import type { MigrationBuilder } from 'node-pg-migrate';

export const adopt = {
  alembicRevision: '9dde1f9db172', // Alembic's no-op "baseline_existing_events_table"
  expects: {
    extensions: ['vector', 'pgcrypto'],
    tables: {
      events: {
        id: 'uuid',
        timestamp: 'timestamp with time zone',
        content: 'jsonb',
        embedding: 'vector(768)',
        metadata: 'jsonb',
      },
      nodes: {
        node_id: 'uuid',
        node_type: 'text',
        label: 'text',
        properties: 'jsonb',
        created_at: 'timestamp with time zone',
      },
      edges: {
        edge_id: 'uuid',
        source_node_id: 'uuid',
        target_node_id: 'uuid',
        relation_type: 'text',
        properties: 'jsonb',
        created_at: 'timestamp with time zone',
      },
    },
    indexes: [
      'events_pkey',
      'events_timestamp_idx',
      'events_metadata_gin_idx',
      'nodes_pkey',
      'nodes_type_idx',
      'edges_pkey',
      'edges_source_idx',
      'edges_target_idx',
      'edges_relation_type_idx',
    ],
  },
};

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE EXTENSION IF NOT EXISTS vector;
    CREATE EXTENSION IF NOT EXISTS pgcrypto;

    CREATE TABLE events (
      id UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "timestamp" TIMESTAMPTZ NOT NULL DEFAULT NOW(),
      content JSONB NOT NULL,
      embedding VECTOR(768),
      metadata JSONB DEFAULT '{}'::jsonb
    );
    CREATE INDEX events_timestamp_idx ON events ("timestamp");
    CREATE INDEX events_metadata_gin_idx ON events USING GIN (metadata jsonb_path_ops);

    CREATE TABLE nodes (
      node_id UUID PRIMARY KEY,
      node_type TEXT NOT NULL,
      label TEXT,
      properties JSONB DEFAULT '{}'::jsonb,
      created_at TIMESTAMPTZ DEFAULT NOW()
    );
    CREATE INDEX nodes_type_idx ON nodes (node_type);

    -- no foreign keys between edges and nodes, on purpose (as in MnemoLite)
    CREATE TABLE edges (
      edge_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      source_node_id UUID NOT NULL,
      target_node_id UUID NOT NULL,
      relation_type TEXT NOT NULL,
      properties JSONB DEFAULT '{}'::jsonb,
      created_at TIMESTAMPTZ DEFAULT NOW()
    );
    CREATE INDEX edges_source_idx ON edges (source_node_id);
    CREATE INDEX edges_target_idx ON edges (target_node_id);
    CREATE INDEX edges_relation_type_idx ON edges (relation_type);
  `);
}

export const down = false;
