// Errors of batch code indexing (db/init/04, added after the first init; hand file 008 is the same DDL).
// With it the main database is MnemoLite's full init, which Alembic's no-op baseline 9dde1f9db172 stamps.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  alembic: ['9dde1f9db172'],
  sources: [
    'db/init/04-indexing-errors.sql',
    'db/migrations/008_create_indexing_errors_table.sql',
    'api/alembic/versions/20251015_2029-9dde1f9db172_baseline_existing_events_table.py',
  ],
};

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE indexing_errors (
      error_id BIGSERIAL NOT NULL,
      repository VARCHAR(255) NOT NULL,
      file_path TEXT NOT NULL,
      error_type VARCHAR(100) NOT NULL,
      error_message TEXT NOT NULL,
      error_traceback TEXT,
      chunk_type VARCHAR(50),
      language VARCHAR(50),
      occurred_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now(),
      CONSTRAINT indexing_errors_pkey PRIMARY KEY (error_id),
      CONSTRAINT check_error_type CHECK (
        error_type IN ('parsing_error', 'encoding_error', 'chunking_error', 'embedding_error', 'persistence_error')
      )
    );
    CREATE INDEX idx_indexing_errors_repo_time ON indexing_errors (repository, occurred_at DESC);
    CREATE INDEX idx_indexing_errors_type ON indexing_errors (error_type);
    CREATE INDEX idx_indexing_errors_file ON indexing_errors (file_path);
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('DROP TABLE indexing_errors');
}
