// The baseline: what MnemoLite's first `docker compose up` leaves in the main database (its init
// stops at 01-init.sql's `\connect mnemolite_test`): extensions, events, nodes, edges. Nothing goes below it.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/init/01-extensions.sql', 'db/init/01-init.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE EXTENSION IF NOT EXISTS vector SCHEMA public;
    CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA public;

    -- MnemoLite's own image ships pg_partman (installed, never used); the official pgvector image does not
    DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_partman') THEN
        CREATE SCHEMA IF NOT EXISTS partman;
        CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman;
      ELSE
        RAISE NOTICE 'pg_partman is not available on this server: skipped (MnemoLite does not partition any table)';
      END IF;
    END $$;

    CREATE TABLE events (
      id UUID NOT NULL DEFAULT gen_random_uuid(),
      "timestamp" TIMESTAMPTZ NOT NULL DEFAULT now(),
      content JSONB NOT NULL,
      embedding VECTOR(768),
      metadata JSONB DEFAULT '{}'::jsonb,
      CONSTRAINT events_pkey PRIMARY KEY (id)
    );
    COMMENT ON TABLE events IS 'Table principale stockant tous les evenements atomiques (NON partitionnee pour test setup).';
    COMMENT ON COLUMN events.content IS 'Contenu detaille de l evenement au format JSONB.';
    COMMENT ON COLUMN events.embedding IS 'Vecteur semantique du contenu (dimension 768 pour nomic-embed-text-v1.5).';
    COMMENT ON COLUMN events.metadata IS 'Metadonnees additionnelles (tags, IDs, types) au format JSONB.';
    CREATE INDEX events_timestamp_idx ON events ("timestamp");
    CREATE INDEX events_metadata_gin_idx ON events USING gin (metadata jsonb_path_ops);

    CREATE TABLE nodes (
      node_id UUID NOT NULL,
      node_type TEXT NOT NULL,
      label TEXT,
      properties JSONB DEFAULT '{}'::jsonb,
      created_at TIMESTAMPTZ DEFAULT now(),
      CONSTRAINT nodes_pkey PRIMARY KEY (node_id)
    );
    COMMENT ON TABLE nodes IS 'Noeuds du graphe conceptuel (evenements, concepts, entites).';
    CREATE INDEX nodes_type_idx ON nodes (node_type);

    -- no foreign keys from edges to nodes, on purpose (as in MnemoLite)
    CREATE TABLE edges (
      edge_id UUID NOT NULL DEFAULT gen_random_uuid(),
      source_node_id UUID NOT NULL,
      target_node_id UUID NOT NULL,
      relation_type TEXT NOT NULL,
      properties JSONB DEFAULT '{}'::jsonb,
      created_at TIMESTAMPTZ DEFAULT now(),
      CONSTRAINT edges_pkey PRIMARY KEY (edge_id)
    );
    COMMENT ON TABLE edges IS 'Relations (aretes) entre les noeuds du graphe conceptuel.';
    COMMENT ON COLUMN edges.source_node_id IS 'ID du noeud source (pas de FK physique).';
    COMMENT ON COLUMN edges.target_node_id IS 'ID du noeud cible (pas de FK physique).';
    CREATE INDEX edges_source_idx ON edges (source_node_id);
    CREATE INDEX edges_target_idx ON edges (target_node_id);
    CREATE INDEX edges_relation_type_idx ON edges (relation_type);
  `);
}

export const down = false;
