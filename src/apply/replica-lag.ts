// How far behind each replica is, in time, from positions alone. The runner remembers when the
// primary's WAL reached which position; a replica that has replayed up to R lacks the WAL written
// since the moment the primary passed R, so its lag is the time since then. A replica whose replay is
// paused or stuck keeps its R while the clock runs on, so its lag grows: pg_stat_replication's own
// replay_lag moves only when the replica reports, and stays put between reports.

import type { ReplicationReading } from '../database/port.ts';

/** A position of the primary's WAL (bytes) and when it was first and last seen there (the server's clock, ms). */
interface WalSample {
  written: number;
  firstMs: number;
  lastMs: number;
}

export interface ReplicaLag {
  name: string;
  /** how long ago the primary wrote the first WAL this replica has not replayed; 0 when it has replayed all */
  lagMs: number;
  /** WAL written but not replayed there */
  behindBytes: number;
}

/** The primary's WAL positions over the run, oldest first, each with when it was first and last seen. */
export class WalHistory {
  private samples: WalSample[] = [];

  /** Each replica's lag at this reading, which the history keeps. */
  lags(reading: ReplicationReading): ReplicaLag[] {
    this.add(reading.written, reading.atMs);
    const lags = reading.replicas.map(({ name, replayed, replayLagMs }) => {
      const behindBytes = Math.max(0, reading.written - replayed);
      // one that has replayed everything is not behind, whatever replay_lag it last had
      const lagMs = behindBytes === 0 ? 0 : Math.max(this.since(replayed, reading.atMs), replayLagMs ?? 0);
      return { name, lagMs, behindBytes };
    });
    this.forget(Math.min(...reading.replicas.map((replica) => replica.replayed)));
    return lags;
  }

  private add(written: number, atMs: number): void {
    const last = this.samples.at(-1);
    // an idle primary: still at the position it was at before
    if (last && written <= last.written) last.lastMs = atMs;
    else this.samples.push({ written, firstMs: atMs, lastMs: atMs });
  }

  /**
   * How long ago the primary wrote past `replayed`: after it was last seen at or before that position and
   * before it was first seen beyond it, as far along as `replayed` is between the two positions. Before the
   * first sample it can only say since when at least.
   */
  private since(replayed: number, nowMs: number): number {
    const beyond = this.samples.findIndex((sample) => sample.written > replayed);
    if (beyond === -1) return 0;
    const next = this.samples[beyond]!;
    const previous = this.samples[beyond - 1];
    if (!previous) return nowMs - next.firstMs;
    const share = (replayed - previous.written) / (next.written - previous.written);
    return nowMs - (previous.lastMs + share * (next.firstMs - previous.lastMs));
  }

  /** Samples every replica has replayed past are of no more use, but the last of them. */
  private forget(slowest: number): void {
    const needed = this.samples.findLastIndex((sample) => sample.written <= slowest);
    if (needed > 0) this.samples = this.samples.slice(needed);
  }
}

/** The replica furthest behind, when that is beyond the bound; undefined when every one is within it. */
export function beyondBound(lags: readonly ReplicaLag[], boundMs: number): ReplicaLag | undefined {
  const furthest = lags.reduce<ReplicaLag | undefined>((a, b) => (a && a.lagMs >= b.lagMs ? a : b), undefined);
  return furthest && furthest.lagMs > boundMs ? furthest : undefined;
}

/** How often a wait reads the replicas again: a quarter of the bound, between 100 ms and 1 s. */
export function pollPause(boundMs: number): number {
  return Math.min(1000, Math.max(100, boundMs / 4));
}

/** "3.2 s behind (12.4 MB of WAL not replayed)" */
export function describeLag({ lagMs, behindBytes }: Pick<ReplicaLag, 'lagMs' | 'behindBytes'>): string {
  const mb = behindBytes / (1024 * 1024);
  const wal = mb >= 0.1 ? `${mb.toFixed(1)} MB` : `${Math.ceil(behindBytes / 1024)} kB`;
  return `${seconds(lagMs)} behind (${wal} of WAL not replayed)`;
}

/** "3.2 s", "12 s" */
export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
