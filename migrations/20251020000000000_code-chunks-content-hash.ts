// Data only: stores md5(source_code) as metadata.content_hash in every chunk that has none (hand-run v2_to_v3.sql).
// Re-runnable: a second run finds nothing to do. The catalog does not change.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v2_to_v3.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    UPDATE code_chunks
       SET metadata = jsonb_set(coalesce(metadata, '{}'::jsonb), '{content_hash}', to_jsonb(md5(source_code)))
     WHERE metadata ->> 'content_hash' IS NULL
  `);
}

// A no-op: the application writes content_hash itself, so the hashes this added cannot be told apart from its own
export function down(): void {}
