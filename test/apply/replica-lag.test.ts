import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beyondBound, describeLag, pollPause, WalHistory } from '../../src/apply/replica-lag.ts';
import type { ReplicaPosition } from '../../src/database/port.ts';

const replica = (replayed: number, replayLagMs?: number): ReplicaPosition => ({
  name: 'replica1 (10.0.0.2)',
  replayed,
  replayLagMs,
});
const read = (history: WalHistory, atMs: number, written: number, ...replicas: ReplicaPosition[]) =>
  history.lags({ atMs, written, replicas, hidden: 0, role: 'migrate' });

describe('the lag of a replica, from positions', () => {
  it('is nothing once it has replayed all the primary wrote, whatever replay_lag it last had', () => {
    const history = new WalHistory();
    expect(read(history, 0, 500, replica(500, 6000))).toEqual([
      { name: 'replica1 (10.0.0.2)', lagMs: 0, behindBytes: 0 },
    ]);
  });

  it('grows with the clock while replay stands still (paused), the primary writing on or not', () => {
    const history = new WalHistory();
    read(history, 0, 100, replica(100));
    expect(read(history, 1000, 200, replica(100))[0]).toMatchObject({ lagMs: 1000, behindBytes: 100 });
    expect(read(history, 3000, 300, replica(100))[0]!.lagMs).toBe(3000);
    expect(read(history, 9000, 300, replica(100))[0]!.lagMs).toBe(9000); // the primary idle since
  });

  it('places what it replayed between two readings of the primary, as far along as its position', () => {
    const history = new WalHistory();
    read(history, 0, 1000, replica(1000));
    read(history, 1000, 2000, replica(1000));
    // 1500 was written halfway between 0 and 1000 ms
    expect(read(history, 4000, 3000, replica(1500))[0]!.lagMs).toBe(3500);
  });

  it('counts from the last reading where the primary was still short of it, not from its first there', () => {
    const history = new WalHistory();
    read(history, 0, 100, replica(100));
    read(history, 5000, 100, replica(100)); // idle for 5 s
    expect(read(history, 6000, 200, replica(100))[0]!.lagMs).toBe(1000);
  });

  it("of one behind since before the first reading: at least since then, or the server's replay_lag when more", () => {
    const history = new WalHistory();
    expect(read(history, 0, 900, replica(100))[0]!.lagMs).toBe(0);
    expect(read(history, 2000, 900, replica(100))[0]!.lagMs).toBe(2000);
    expect(read(history, 2500, 900, replica(100, 60_000))[0]!.lagMs).toBe(60_000);
  });

  it('lies between the last time the primary was seen at or before its position and the first time beyond it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 10_000 })), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (steps, at) => {
          const history = new WalHistory();
          const seen: { atMs: number; written: number }[] = [];
          let atMs = 0;
          let written = 0;
          for (const [pause, bytes] of steps) {
            atMs += pause;
            written += bytes;
            seen.push({ atMs, written });
          }
          const replayed = Math.floor(at * written);
          let lag = 0;
          for (const reading of seen) lag = read(history, reading.atMs, reading.written, replica(replayed))[0]!.lagMs;
          const firstBeyond = seen.find((s) => s.written > replayed);
          const lastShort = seen.findLast((s) => s.written <= replayed);
          if (!firstBeyond) return lag === 0;
          const longest = lastShort ? atMs - lastShort.atMs : Number.POSITIVE_INFINITY;
          return lag >= atMs - firstBeyond.atMs - 1e-6 && lag <= longest + 1e-6;
        },
      ),
    );
  });

  it('keeps growing for a replica that stands still, reading after reading', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 2, maxLength: 40 }), (pauses) => {
        const history = new WalHistory();
        read(history, 0, 100, replica(100));
        let atMs = 0;
        let previous = 0;
        for (const [i, pause] of pauses.entries()) {
          atMs += pause;
          const lag = read(history, atMs, 100 + 10 * (i + 1), replica(100))[0]!.lagMs;
          if (lag < previous) return false;
          previous = lag;
        }
        return previous === atMs;
      }),
    );
  });
});

describe('the bound', () => {
  const lag = (name: string, lagMs: number) => ({ name, lagMs, behindBytes: 1 });

  it('names the replica furthest behind when that one is beyond it, and none at it or within', () => {
    expect(beyondBound([lag('a', 4000), lag('b', 12_000), lag('c', 11_000)], 10_000)?.name).toBe('b');
    expect(beyondBound([lag('a', 10_000)], 10_000)).toBeUndefined();
    expect(beyondBound([], 10_000)).toBeUndefined();
  });

  it('is read again a quarter of it later, between 100 ms and 1 s', () => {
    expect(pollPause(1000)).toBe(250);
    expect(pollPause(10_000)).toBe(1000);
    expect(pollPause(100)).toBe(100);
  });

  it('says how far behind in time and in WAL', () => {
    expect(describeLag({ lagMs: 3240, behindBytes: 13 * 1024 * 1024 })).toBe(
      '3.2 s behind (13.0 MB of WAL not replayed)',
    );
    expect(describeLag({ lagMs: 42_400, behindBytes: 2000 })).toBe('42 s behind (2 kB of WAL not replayed)');
  });
});
