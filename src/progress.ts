// A migration that runs longer than MIGRATE_PROGRESS_INTERVAL logs a heartbeat
// at that interval, read from a second connection (ours is busy running it):
// how long, what it waits on, and for CREATE INDEX the phase and blocks or
// tuples done out of the total, from pg_stat_progress_create_index.
import type { ProgressWatcher } from './database/port.ts';
import type { Logger } from './log.ts';

export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private migration: string | undefined;
  /** a heartbeat still waiting for its sample: the next one is skipped, not stacked */
  private beating = false;

  constructor(
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly watcher: ProgressWatcher,
  ) {}

  start(migration: string): void {
    this.stop();
    if (this.intervalMs <= 0) return;
    this.migration = migration;
    this.timer = setInterval(() => void this.beat(migration), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.migration = undefined;
  }

  /** Stops and closes the watcher connection, if a heartbeat opened it. */
  async close(): Promise<void> {
    this.stop();
    await this.watcher.close();
  }

  private async beat(migration: string): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      const sample = await this.watcher.sample();
      if (!sample || this.migration !== migration) return; // finished meanwhile
      const fields = {
        migration,
        elapsed_s: Math.round(sample.seconds),
        ...(sample.wait_event && { waiting_on: sample.wait_event }),
        ...(sample.phase && { index: sample.index, phase: sample.phase }),
        ...(Number(sample.blocks_total) > 0 && {
          blocks_done: Number(sample.blocks_done),
          blocks_total: Number(sample.blocks_total),
        }),
        ...(Number(sample.tuples_total) > 0 && {
          tuples_done: Number(sample.tuples_done),
          tuples_total: Number(sample.tuples_total),
        }),
      };
      this.log.info(`still running ${migration}${describe(fields)}`, fields);
    } catch (error) {
      this.log.debug(`progress not available: ${(error as Error).message}`);
    } finally {
      this.beating = false;
    }
  }
}

function describe(fields: {
  elapsed_s: number;
  waiting_on?: string;
  phase?: string;
  blocks_done?: number;
  blocks_total?: number;
  tuples_done?: number;
  tuples_total?: number;
}): string {
  const parts = [`${fields.elapsed_s} s`];
  if (fields.phase) parts.push(fields.phase);
  if (fields.blocks_total)
    parts.push(
      `blocks ${fields.blocks_done}/${fields.blocks_total} (${Math.floor((100 * fields.blocks_done!) / fields.blocks_total)}%)`,
    );
  if (fields.tuples_total) parts.push(`tuples ${fields.tuples_done}/${fields.tuples_total}`);
  if (fields.waiting_on) parts.push(`waiting on ${fields.waiting_on}`);
  return `: ${parts.join(', ')}`;
}
