import fc from 'fast-check';
import { expect, it } from 'vitest';
import { FIRST_BATCH, MAX_BATCH, MIN_BATCH, nextBatchSize, TARGET_MS } from '../../src/apply/batch-size.ts';

it('keeps the pace that fills a batch in the target time', () => {
  expect(nextBatchSize({ size: 1000, rows: 1000, ms: TARGET_MS })).toBe(1000);
  expect(nextBatchSize({ size: FIRST_BATCH, rows: FIRST_BATCH, ms: TARGET_MS })).toBe(FIRST_BATCH);
});

it('grows at most twofold a batch when batches are quick', () => {
  expect(nextBatchSize({ size: 1000, rows: 1000, ms: 10 })).toBe(2000);
  expect(nextBatchSize({ size: 15_000, rows: 15_000, ms: 10 })).toBe(MAX_BATCH);
});

it('shrinks at once to the pace measured when a batch is slow', () => {
  // 1000 rows in 2 s: 0.5 rows a millisecond, 125 rows in 250 ms
  expect(nextBatchSize({ size: 1000, rows: 1000, ms: 2000 })).toBe(125);
  expect(nextBatchSize({ size: 1000, rows: 1000, ms: 1_000_000 })).toBe(MIN_BATCH);
});

it('paces by the rows changed, not the size asked for (a sparse last batch)', () => {
  expect(nextBatchSize({ size: 1000, rows: 100, ms: 250 })).toBe(100);
});

it('keeps the size when nothing was measured', () => {
  expect(nextBatchSize({ size: 700, rows: 0, ms: 30 })).toBe(700);
  expect(nextBatchSize({ size: 700, rows: 10, ms: 0 })).toBe(700);
});

it('always stays within bounds and never more than doubles', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: MIN_BATCH, max: MAX_BATCH }),
      fc.integer({ min: 1, max: MAX_BATCH }),
      fc.double({ min: 0.001, max: 1e6, noNaN: true }),
      (size, rows, ms) => {
        const next = nextBatchSize({ size, rows, ms });
        expect(Number.isInteger(next)).toBe(true);
        expect(next).toBeGreaterThanOrEqual(MIN_BATCH);
        expect(next).toBeLessThanOrEqual(Math.min(MAX_BATCH, size * 2));
        // at the pace measured, the next batch takes no longer than the target (unless at the floor)
        if (next > MIN_BATCH) expect((next * ms) / rows).toBeLessThanOrEqual(TARGET_MS + 1e-6);
      },
    ),
  );
});
