// Code intelligence: chunks of source code with a text and a code embedding (Alembic a40a6de7d379),
// without its two HNSW indexes: the next two migrations build them concurrently.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  sources: ['api/alembic/versions/20251016_0816-a40a6de7d379_add_code_chunks_table_with_dual_.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

    CREATE TABLE code_chunks (
      id UUID NOT NULL DEFAULT gen_random_uuid(),
      file_path TEXT NOT NULL,
      language TEXT NOT NULL,
      chunk_type TEXT NOT NULL,
      name TEXT,
      source_code TEXT NOT NULL,
      start_line INTEGER,
      end_line INTEGER,
      embedding_text VECTOR(768),
      embedding_code VECTOR(768),
      metadata JSONB NOT NULL DEFAULT '{}'::jsonb,
      indexed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      last_modified TIMESTAMPTZ,
      node_id UUID,
      repository TEXT,
      commit_hash TEXT,
      CONSTRAINT code_chunks_pkey PRIMARY KEY (id)
    );
    CREATE INDEX idx_code_metadata ON code_chunks USING gin (metadata jsonb_path_ops);
    CREATE INDEX idx_code_language ON code_chunks (language);
    CREATE INDEX idx_code_type ON code_chunks (chunk_type);
    CREATE INDEX idx_code_file ON code_chunks (file_path);
    CREATE INDEX idx_code_indexed_at ON code_chunks (indexed_at);
    CREATE INDEX idx_code_source_trgm ON code_chunks USING gin (source_code gin_trgm_ops);
    CREATE INDEX idx_code_name_trgm ON code_chunks USING gin (name gin_trgm_ops);
  `);
}

// pg_trgm came with code_chunks (the point before had none); without CASCADE, a later user of it stops the drop
export function down(pgm: MigrationBuilder): void {
  pgm.sql(`
    DROP TABLE code_chunks;
    DROP EXTENSION pg_trgm;
  `);
}
