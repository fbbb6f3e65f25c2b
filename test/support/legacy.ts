// Builds a database the way MnemoLite's init scripts did, before any migration.
import { readFileSync } from 'node:fs';
import type { TestDatabase } from './database.ts';

const read = (file: string) => readFileSync(new URL(`../fixtures/legacy-init/${file}`, import.meta.url), 'utf8');
export const LEGACY_SCHEMA = read('01-legacy-schema.sql');
export const LEGACY_ROWS = read('02-legacy-rows.sql');

export async function createLegacyDatabase(db: TestDatabase, edit: (sql: string) => string = (sql) => sql): Promise<void> {
  await db.query(edit(LEGACY_SCHEMA));
  await db.query(edit(LEGACY_ROWS));
}

/** What Alembic's a40a6de7d379 left: code_chunks with its indexes, as its upgrade() created them. */
export const ALEMBIC_CODE_CHUNKS = `
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE TABLE code_chunks (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(), file_path TEXT NOT NULL, language TEXT NOT NULL, chunk_type TEXT NOT NULL,
    name TEXT, source_code TEXT NOT NULL, start_line INTEGER, end_line INTEGER,
    embedding_text VECTOR(768), embedding_code VECTOR(768), metadata JSONB NOT NULL DEFAULT '{}'::jsonb,
    indexed_at TIMESTAMPTZ NOT NULL DEFAULT now(), last_modified TIMESTAMPTZ, node_id UUID, repository TEXT, commit_hash TEXT);
  CREATE INDEX idx_code_embedding_text ON code_chunks USING hnsw (embedding_text vector_cosine_ops) WITH (m = 16, ef_construction = 64);
  CREATE INDEX idx_code_embedding_code ON code_chunks USING hnsw (embedding_code vector_cosine_ops) WITH (m = 16, ef_construction = 64);
  CREATE INDEX idx_code_metadata ON code_chunks USING gin (metadata jsonb_path_ops);
  CREATE INDEX idx_code_language ON code_chunks (language);
  CREATE INDEX idx_code_type ON code_chunks (chunk_type);
  CREATE INDEX idx_code_file ON code_chunks (file_path);
  CREATE INDEX idx_code_indexed_at ON code_chunks (indexed_at);
  CREATE INDEX idx_code_source_trgm ON code_chunks USING gin (source_code gin_trgm_ops);
  CREATE INDEX idx_code_name_trgm ON code_chunks USING gin (name gin_trgm_ops);
  INSERT INTO code_chunks (file_path, language, chunk_type, source_code) VALUES ('a.py', 'python', 'function', 'def f(): pass');`;

export async function alembicAt(db: TestDatabase, revision: string): Promise<void> {
  await db.query(`CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('${revision}')`);
}
