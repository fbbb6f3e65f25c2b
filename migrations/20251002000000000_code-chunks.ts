// Code intelligence: chunks of source code with a text and a code embedding
// (Alembic revision a40a6de7d379, without its HNSW indexes: those are built
// concurrently by the two migrations that follow).
import type { MigrationBuilder } from 'node-pg-migrate';

export const adopt = {
  expects: {
    extensions: ['pg_trgm'],
    tables: {
      code_chunks: {
        id: 'uuid',
        file_path: 'text',
        language: 'text',
        chunk_type: 'text',
        name: 'text',
        source_code: 'text',
        start_line: 'integer',
        end_line: 'integer',
        embedding_text: 'vector(768)',
        embedding_code: 'vector(768)',
        metadata: 'jsonb',
        indexed_at: 'timestamp with time zone',
        last_modified: 'timestamp with time zone',
        node_id: 'uuid',
        repository: 'text',
        commit_hash: 'text',
      },
    },
    indexes: [
      'idx_code_metadata',
      'idx_code_language',
      'idx_code_type',
      'idx_code_file',
      'idx_code_indexed_at',
      'idx_code_source_trgm',
      'idx_code_name_trgm',
    ],
  },
};

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE code_chunks (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
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
      commit_hash TEXT
    );
    CREATE INDEX idx_code_metadata ON code_chunks USING GIN (metadata jsonb_path_ops);
    CREATE INDEX idx_code_language ON code_chunks (language);
    CREATE INDEX idx_code_type ON code_chunks (chunk_type);
    CREATE INDEX idx_code_file ON code_chunks (file_path);
    CREATE INDEX idx_code_indexed_at ON code_chunks (indexed_at);

    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX idx_code_source_trgm ON code_chunks USING GIN (source_code gin_trgm_ops);
    CREATE INDEX idx_code_name_trgm ON code_chunks USING GIN (name gin_trgm_ops);
  `);
}

// pg_trgm stays installed: other objects may use it by now
export function down(pgm: MigrationBuilder): void {
  pgm.sql('DROP TABLE code_chunks');
}
