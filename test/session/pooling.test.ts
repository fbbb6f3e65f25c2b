// The pooling decision on the probe's figures, as PgBouncer produces them in each mode
// (test/session/pgbouncer.test.ts proves them against the real one).
import { describe, expect, it } from 'vitest';
import { announcedByServer, ownsServer } from '../../src/session/pooling.ts';

describe('telling a pooler that hands out servers per transaction', () => {
  it('no probe when the server announced its own pid at start-up', () => {
    expect(announcedByServer({ pid: 4242, announcedPid: 4242 })).toBe(true);
    expect(announcedByServer({ pid: 4242, announcedPid: 1_804_289_383 })).toBe(false);
  });

  it('session mode: ours throughout, the other session on another server', () => {
    expect(ownsServer(60, { before: 60, other: 61, after: 60 })).toBe(true);
  });

  it('transaction mode: the other session is handed our server, ours moves or waits', () => {
    expect(ownsServer(67, { before: 67, other: 67, after: 68 })).toBe(false);
    expect(ownsServer(67, { before: 67, other: 67, after: undefined })).toBe(false);
    expect(ownsServer(67, { before: 67, other: 69, after: 68 })).toBe(false); // round-robin reuse
    expect(ownsServer(67, { before: 70, other: 69, after: 70 })).toBe(false); // moved between transactions
  });

  it('statement mode: the other session is refused a transaction', () => {
    expect(ownsServer(62, { before: 62, other: undefined, after: undefined })).toBe(false);
  });
});
