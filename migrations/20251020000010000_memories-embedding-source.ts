// memories.embedding_source (focused text to embed) and the memory type 'investigation' (hand-run
// v8_to_v9_add_embedding_source.sql). The widened CHECK is added NOT VALID; the next migration validates it.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v8_to_v9_add_embedding_source.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    ALTER TABLE memories ADD COLUMN embedding_source TEXT;
    COMMENT ON COLUMN memories.embedding_source IS
    'Optional focused text for embedding computation. If NULL, embedding is computed on title+content. Typical: 200-400 word structured summary with subject, themes, entities, findings.';

    ALTER TABLE memories
      DROP CONSTRAINT chk_memory_type,
      ADD CONSTRAINT chk_memory_type CHECK (memory_type IN ('note', 'decision', 'task', 'reference', 'conversation', 'investigation')) NOT VALID;
    COMMENT ON COLUMN memories.memory_type IS
    'Classification: note, decision, task, reference, conversation, investigation (EPIC-24)';
  `);
}

// lint-accept: constraint-not-valid the down must prove no 'investigation' memory is left before narrowing the CHECK: that scan is the point
export function down(pgm: MigrationBuilder): void {
  pgm.sql(`
    ALTER TABLE memories
      DROP CONSTRAINT chk_memory_type,
      ADD CONSTRAINT chk_memory_type CHECK (memory_type IN ('note', 'decision', 'task', 'reference', 'conversation'));
    COMMENT ON COLUMN memories.memory_type IS 'Classification: note, decision, task, reference, conversation';
    ALTER TABLE memories DROP COLUMN embedding_source;
  `);
}
