// How many rows the next backfill batch takes: each batch is one statement whose
// row locks last until it commits, so its size follows the measured pace to stay
// well under a second, growing at most twofold a batch and shrinking at once.

/** small: a row of two 768-d vectors is ~9 KB to read and write, and doubling reaches 1600 rows in 4 batches */
export const FIRST_BATCH = 100;
/** the aim per batch: a quarter of the second a writer may wait at most */
export const TARGET_MS = 250;
export const MIN_BATCH = 10;
export const MAX_BATCH = 20_000;

export interface BatchTiming {
  /** the size the batch was given */
  size: number;
  /** the rows it changed */
  rows: number;
  ms: number;
}

export function nextBatchSize({ size, rows, ms }: BatchTiming): number {
  if (rows <= 0 || ms <= 0) return size; // nothing measured
  const paced = Math.floor((rows / ms) * TARGET_MS);
  return Math.max(MIN_BATCH, Math.min(paced, size * 2, MAX_BATCH));
}
