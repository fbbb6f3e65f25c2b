// halfvec (float16) copies of the embeddings, kept in sync by triggers (first part of Alembic b7c2e4f8a901).
// Adding nullable columns and triggers is quick; the backfill and the three HNSW indexes follow, none locking the tables.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  sources: ['api/alembic/versions/20260326_2245-b7c2e4f8a901_add_halfvec_embeddings_to_code_chunks.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    ALTER TABLE code_chunks
      ADD COLUMN embedding_text_half HALFVEC(768),
      ADD COLUMN embedding_code_half HALFVEC(768);

    CREATE FUNCTION sync_halfvec_embeddings() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- Auto-convert float32 to halfvec on INSERT/UPDATE
      IF NEW.embedding_text IS NOT NULL THEN
        NEW.embedding_text_half := NEW.embedding_text::halfvec(768);
      END IF;
      IF NEW.embedding_code IS NOT NULL THEN
        NEW.embedding_code_half := NEW.embedding_code::halfvec(768);
      END IF;
      RETURN NEW;
    END;
    $$;

    CREATE TRIGGER trg_sync_halfvec_embeddings
      BEFORE INSERT OR UPDATE OF embedding_text, embedding_code ON code_chunks
      FOR EACH ROW EXECUTE FUNCTION sync_halfvec_embeddings();

    ALTER TABLE memories ADD COLUMN embedding_half HALFVEC(768);

    CREATE FUNCTION sync_memory_halfvec() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.embedding IS NOT NULL THEN
        NEW.embedding_half := NEW.embedding::halfvec(768);
      END IF;
      RETURN NEW;
    END;
    $$;

    CREATE TRIGGER trg_sync_memory_halfvec
      BEFORE INSERT OR UPDATE OF embedding ON memories
      FOR EACH ROW EXECUTE FUNCTION sync_memory_halfvec();
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`
    DROP TRIGGER trg_sync_memory_halfvec ON memories;
    DROP FUNCTION sync_memory_halfvec();
    ALTER TABLE memories DROP COLUMN embedding_half;
    DROP TRIGGER trg_sync_halfvec_embeddings ON code_chunks;
    DROP FUNCTION sync_halfvec_embeddings();
    ALTER TABLE code_chunks DROP COLUMN embedding_code_half, DROP COLUMN embedding_text_half;
  `);
}
