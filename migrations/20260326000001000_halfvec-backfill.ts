// Data only: copies the embeddings of existing rows into their halfvec columns (Alembic b7c2e4f8a901 did it in
// one UPDATE). Batches of 1000 rows by id, each committed at once; killed, it resumes where rows still lack a copy.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  sources: ['api/alembic/versions/20260326_2245-b7c2e4f8a901_add_halfvec_embeddings_to_code_chunks.py'],
};

export function up(pgm: MigrationBuilder): void {
  // COMMIT inside DO needs a top-level statement outside any transaction: one statement per pgm.sql
  pgm.noTransaction();
  pgm.sql(`
    DO $$
    DECLARE
      after_id uuid := '00000000-0000-0000-0000-000000000000';
      ids uuid[];
    BEGIN
      LOOP
        SELECT array_agg(id ORDER BY id) INTO ids
          FROM (SELECT id FROM code_chunks
                 WHERE id > after_id
                   AND ((embedding_text IS NOT NULL AND embedding_text_half IS NULL)
                     OR (embedding_code IS NOT NULL AND embedding_code_half IS NULL))
                 ORDER BY id LIMIT 1000) batch;
        EXIT WHEN ids IS NULL;
        -- sets only the half columns, so the sync trigger (UPDATE OF embedding_text, embedding_code) does not fire
        UPDATE code_chunks
           SET embedding_text_half = embedding_text::halfvec(768), embedding_code_half = embedding_code::halfvec(768)
         WHERE id = ANY (ids);
        after_id := ids[array_length(ids, 1)];
        COMMIT;
      END LOOP;
    END $$
  `);
  pgm.sql(`
    DO $$
    DECLARE
      after_id uuid := '00000000-0000-0000-0000-000000000000';
      ids uuid[];
    BEGIN
      LOOP
        SELECT array_agg(id ORDER BY id) INTO ids
          FROM (SELECT id FROM memories
                 WHERE id > after_id AND embedding IS NOT NULL AND embedding_half IS NULL
                 ORDER BY id LIMIT 1000) batch;
        EXIT WHEN ids IS NULL;
        UPDATE memories SET embedding_half = embedding::halfvec(768) WHERE id = ANY (ids);
        after_id := ids[array_length(ids, 1)];
        COMMIT;
      END LOOP;
    END $$
  `);
}

// A no-op: the copies are derived data, and the down of halfvec-columns drops the columns that hold them
export function down(): void {}
