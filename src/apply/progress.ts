// A migration that runs longer than MIGRATE_PROGRESS_INTERVAL reports its progress
// at that interval: how long, what it waits on, and how far it has got with an
// estimate of the time left. A CREATE INDEX is sampled from a second connection
// (ours is busy running it) in pg_stat_progress_create_index; a backfill tells its
// own counts (backfill.ts), and a wait for a replica its own (replica-throttle.ts).
// On a terminal the report is one line updated in place.

import type { ProgressSample, ProgressWatcher } from '../database/port.ts';
import type { LogFields, Logger } from '../log.ts';
import type { BackfillProgress } from './backfill.ts';
import { describeRemaining, type Estimate, estimate } from './progress-estimate.ts';
import { describeLag, seconds as formatSeconds } from './replica-lag.ts';
import type { ReplicaWait } from './replica-throttle.ts';

interface Step {
  phase: string;
  unit: string;
  done: number;
  total: number;
  /** seconds since the statement (or backfill) began */
  seconds: number;
}

export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private migration: string | undefined;
  /** a heartbeat still waiting for its sample: the next one is skipped, not stacked */
  private beating = false;
  private backfill: BackfillProgress | undefined;
  private replicaWait: ReplicaWait | undefined;
  private startedMs = 0;
  /** the index build's previous step, for its rate */
  private previous: (Step & { index: string | null }) | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly watcher: ProgressWatcher,
  ) {}

  start(migration: string): void {
    this.stop();
    if (this.intervalMs <= 0) return;
    this.migration = migration;
    this.startedMs = performance.now();
    this.timer = setInterval(() => void this.beat(migration), this.intervalMs);
  }

  /** A backfill of the running migration began (its counts, which it keeps current) or ended (undefined). */
  follow(backfill: BackfillProgress | undefined): void {
    this.backfill = backfill;
  }

  /** The running migration waits for a replica (its state, which the wait keeps current) or has stopped waiting (undefined). */
  waitFor(wait: ReplicaWait | undefined): void {
    this.replicaWait = wait;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.migration = undefined;
    this.backfill = undefined;
    this.replicaWait = undefined;
    this.previous = undefined;
    this.log.endProgress();
  }

  /** Stops and closes the watcher connection, if a heartbeat opened it. */
  async close(): Promise<void> {
    this.stop();
    await this.watcher.close();
  }

  private async beat(migration: string): Promise<void> {
    if (this.replicaWait) return this.report(migration, this.waiting(this.replicaWait));
    if (this.backfill) return this.report(migration, this.backfilled(this.backfill));
    if (this.beating) return;
    this.beating = true;
    try {
      const sample = await this.watcher.sample();
      if (!sample || this.migration !== migration || this.backfill) return; // finished meanwhile
      this.report(migration, this.indexBuild(sample));
    } catch (error) {
      this.log.debug(`progress not available: ${(error as Error).message}`);
    } finally {
      this.beating = false;
    }
  }

  private backfilled(backfill: BackfillProgress): Report {
    const seconds = (performance.now() - backfill.startedMs) / 1000;
    const step = {
      phase: `backfilling ${backfill.table}`,
      unit: 'rows',
      done: backfill.done,
      total: backfill.total,
      seconds,
    };
    return { seconds, fields: { table: backfill.table }, step, estimate: estimate({ ...step, delta: step.done }) };
  }

  /** A wait for a replica, on top of the backfill's counts when it is one's. */
  private waiting(wait: ReplicaWait): Report {
    const report = this.backfill
      ? this.backfilled(this.backfill)
      : { seconds: (performance.now() - this.startedMs) / 1000, fields: {} };
    const waitedMs = performance.now() - wait.startedMs;
    return {
      ...report,
      fields: {
        ...report.fields,
        replica: wait.replica,
        replica_lag_ms: Math.round(wait.lagMs),
        replica_behind_bytes: wait.behindBytes,
        waited_s: Math.round(waitedMs / 1000),
      },
      waiting: `waiting before ${wait.before} for replica ${wait.replica}, ${describeLag(wait)}: waited ${formatSeconds(waitedMs)}`,
    };
  }

  private indexBuild(sample: ProgressSample): Report {
    const fields: LogFields = {
      ...(sample.wait_event && { waiting_on: sample.wait_event }),
      ...(sample.phase && { index: sample.index }),
    };
    const blocks = Number(sample.blocks_total) > 0;
    const tuples = Number(sample.tuples_total) > 0;
    if (blocks)
      Object.assign(fields, { blocks_done: Number(sample.blocks_done), blocks_total: Number(sample.blocks_total) });
    if (tuples)
      Object.assign(fields, { tuples_done: Number(sample.tuples_done), tuples_total: Number(sample.tuples_total) });
    if (!sample.phase) return { seconds: sample.seconds, fields };
    const unit = blocks ? 'blocks' : 'tuples';
    const step = {
      phase: sample.phase,
      unit,
      done: Number(blocks ? sample.blocks_done : sample.tuples_done),
      total: Number(blocks ? sample.blocks_total : sample.tuples_total),
      seconds: sample.seconds,
    };
    // a rate only between two samples of the same phase: each phase counts its own units
    const before = this.previous;
    const same = before && before.index === sample.index && before.phase === step.phase && before.unit === unit;
    this.previous = { ...step, index: sample.index };
    const work = same ? { ...step, delta: step.done - before.done, seconds: step.seconds - before.seconds } : step;
    return { seconds: sample.seconds, fields, step, estimate: blocks || tuples ? estimate(work) : undefined };
  }

  private report(migration: string, { seconds, fields, step, estimate: e, waiting }: Report): void {
    const all: LogFields = {
      migration,
      elapsed_s: Math.round(seconds),
      ...(step && { phase: step.phase }),
      ...fields,
      ...(e && { percent: e.percent }),
      ...(e?.rate !== undefined && { rate: e.rate, unit: step!.unit }),
      ...(e?.remaining_s !== undefined && { remaining_s: e.remaining_s }),
      ...(step?.unit === 'rows' && { rows_done: step.done, rows_total: step.total }),
    };
    const text = describe(Math.round(seconds), step, e, fields.waiting_on);
    this.log.progress(`still running ${migration}: ${waiting ? `${text}, ${waiting}` : text}`, all);
  }
}

interface Report {
  seconds: number;
  fields: LogFields;
  step?: Step;
  estimate?: Estimate;
  /** what a wait for a replica says */
  waiting?: string;
}

function describe(seconds: number, step: Step | undefined, e: Estimate | undefined, waiting: unknown): string {
  const parts = [`${seconds} s`];
  if (step) parts.push(step.phase);
  if (step && e) parts.push(`${step.unit} ${step.done}/${step.total} (${e.percent}%)`);
  if (step && e?.rate !== undefined) parts.push(`${e.rate} ${step.unit}/s`);
  if (e?.remaining_s !== undefined) parts.push(describeRemaining(e.remaining_s));
  if (waiting) parts.push(`waiting on ${waiting}`);
  return parts.join(', ');
}
