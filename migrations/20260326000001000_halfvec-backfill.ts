// Data only: copies the embeddings of existing rows into their halfvec columns (Alembic b7c2e4f8a901 did it in
// one UPDATE). The runner fills them in batches by id, each committed at once; killed, it resumes where rows
// still lack a copy. Setting only the half columns keeps the sync triggers (UPDATE OF embedding…) from firing.
import type { Backfill } from '../src/chain/backfill-declaration.ts';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  sources: ['api/alembic/versions/20260326_2245-b7c2e4f8a901_add_halfvec_embeddings_to_code_chunks.py'],
};

export const backfill: Backfill[] = [
  {
    table: 'code_chunks',
    key: 'id',
    set: 'embedding_text_half = embedding_text::halfvec(768), embedding_code_half = embedding_code::halfvec(768)',
    pending:
      '(embedding_text IS NOT NULL AND embedding_text_half IS NULL) OR (embedding_code IS NOT NULL AND embedding_code_half IS NULL)',
  },
  {
    table: 'memories',
    key: 'id',
    set: 'embedding_half = embedding::halfvec(768)',
    pending: 'embedding IS NOT NULL AND embedding_half IS NULL',
  },
];

// A no-op: the copies are derived data, and the down of halfvec-columns drops the columns that hold them
export function down(): void {}
