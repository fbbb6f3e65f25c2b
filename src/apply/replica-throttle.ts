// Before each backfill batch and each index build, the runner reads the replicas of its primary and
// waits while one is further behind than MIGRATE_MAX_REPLICA_LAG (replica-lag.ts measures). The wait
// polls, one short query at a time, so MIGRATE_STATEMENT_TIMEOUT never ends it; a stop signal does, and
// the caller reports it. A role that may not read the replicas' positions gets one warning, no bound.
import type { ReplicationPort, ReplicationReading } from '../database/port.ts';
import type { Logger } from '../log.ts';
import { type SignalWatch, sleep } from '../signals.ts';
import { beyondBound, describeLag, pollPause, seconds, WalHistory } from './replica-lag.ts';

/** A wait under way, for heartbeats. */
export interface ReplicaWait {
  replica: string;
  lagMs: number;
  behindBytes: number;
  startedMs: number;
  /** what waits: "the next batch of items", "the index build on public.items" */
  before: string;
}

interface Options {
  boundMs: number;
  log: Logger;
  signals: SignalWatch;
  /** told as a wait goes on (its state) and when it ends (undefined) */
  follow(wait: ReplicaWait | undefined): void;
}

export class ReplicaThrottle {
  private readonly history = new WalHistory();
  /** the replicas of the last reading */
  private seen = new Set<string>();
  /** this role may not read their positions: warned once, no bound */
  private unreadable = false;

  constructor(
    private readonly database: ReplicationPort,
    private readonly options: Options,
  ) {}

  /** Returns once no replica is beyond the bound, or once a stop signal has arrived (the caller stops then). */
  async wait(before: string, migration: string | undefined): Promise<void> {
    const { boundMs, log, signals, follow } = this.options;
    if (boundMs <= 0 || this.unreadable) return;
    const fields = { ...(migration && { migration }) };
    const bound = `MIGRATE_MAX_REPLICA_LAG (${seconds(boundMs)})`;
    let wait: ReplicaWait | undefined;
    try {
      for (;;) {
        const reading = await this.database.replication();
        if (reading.hidden > 0) return this.cannotRead(reading, fields);
        this.noticeGone(reading, fields);
        const lags = this.history.lags(reading);
        const furthest = beyondBound(lags, boundMs);
        if (!furthest) {
          if (wait) {
            const now = lags.find((lag) => lag.name === wait!.replica);
            const waited = seconds(performance.now() - wait.startedMs);
            const where = !now
              ? `no replica is beyond ${bound}`
              : now.behindBytes === 0
                ? `replica ${now.name} has caught up`
                : `replica ${now.name} is ${describeLag(now)}, within ${bound}`;
            log.info(`${where} after a wait of ${waited}: going on with ${before}`, {
              ...fields,
              waited_ms: Math.round(performance.now() - wait.startedMs),
            });
          }
          return;
        }
        const { name, lagMs, behindBytes } = furthest;
        if (!wait)
          log.info(`replica ${name} is ${describeLag(furthest)}, beyond ${bound}: waiting before ${before}`, {
            ...fields,
            replica: name,
            lag_ms: Math.round(lagMs),
            behind_bytes: behindBytes,
          });
        wait = { replica: name, lagMs, behindBytes, startedMs: wait?.startedMs ?? performance.now(), before };
        follow(wait);
        await sleep(pollPause(boundMs), signals.abortSignal);
        if (signals.received) return;
      }
    } finally {
      if (wait) follow(undefined);
    }
  }

  private cannotRead(reading: ReplicationReading, fields: { migration?: string }): void {
    this.unreadable = true;
    this.options.log.warn(
      `role ${reading.role} may not read the positions of ${reading.hidden === 1 ? 'a replica' : `${reading.hidden} replicas`} in pg_stat_replication: MIGRATE_MAX_REPLICA_LAG does not hold for this run; GRANT pg_monitor TO ${reading.role} to bound their lag`,
      fields,
    );
  }

  // PostgreSQL drops a replica from pg_stat_replication when its connection ends (a replication slot
  // it leaves behind keeps WAL, not a row): from then on it holds nothing back
  private noticeGone(reading: ReplicationReading, fields: { migration?: string }): void {
    const now = new Set(reading.replicas.map((replica) => replica.name));
    for (const name of this.seen)
      if (!now.has(name))
        this.options.log.warn(
          `replica ${name} is no longer connected to the primary: it stops counting for MIGRATE_MAX_REPLICA_LAG`,
          { ...fields, replica: name },
        );
    this.seen = now;
  }
}
