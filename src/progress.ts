// A migration that runs longer than MIGRATE_PROGRESS_INTERVAL logs a heartbeat
// at that interval, read from a second connection (ours is busy running it):
// how long, what it waits on, and for CREATE INDEX the phase and blocks or
// tuples done out of the total, from pg_stat_progress_create_index.
import pg from 'pg';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';

interface Sample {
  seconds: number;
  wait_event: string | null;
  phase: string | null;
  index: string | null;
  blocks_done: string | null;
  blocks_total: string | null;
  tuples_done: string | null;
  tuples_total: string | null;
}

export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private watcher: Promise<pg.Client> | undefined;
  /** the heartbeat being taken: a slow sample skips the next beat instead of overlapping it */
  private beating: Promise<void> | undefined;
  private migration: string | undefined;

  constructor(private readonly config: Config, private readonly log: Logger, private readonly pid: number) {}

  start(migration: string): void {
    this.stop();
    if (this.config.progressIntervalMs <= 0) return;
    this.migration = migration;
    this.timer = setInterval(() => {
      this.beating ??= this.beat(migration).finally(() => (this.beating = undefined));
    }, this.config.progressIntervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.migration = undefined;
  }

  async close(): Promise<void> {
    this.stop();
    await this.beating;
    const watcher = await this.watcher?.catch(() => undefined);
    this.watcher = undefined;
    await watcher?.end().catch(() => undefined);
  }

  private async beat(migration: string): Promise<void> {
    try {
      const sample = await this.sample();
      if (!sample || this.migration !== migration) return; // finished meanwhile
      const fields = {
        migration,
        elapsed_s: Math.round(sample.seconds),
        ...(sample.wait_event && { waiting_on: sample.wait_event }),
        ...(sample.phase && { index: sample.index, phase: sample.phase }),
        ...(Number(sample.blocks_total) > 0 && { blocks_done: Number(sample.blocks_done), blocks_total: Number(sample.blocks_total) }),
        ...(Number(sample.tuples_total) > 0 && { tuples_done: Number(sample.tuples_done), tuples_total: Number(sample.tuples_total) }),
      };
      this.log.info(`still running ${migration}${describe(fields)}`, fields);
    } catch (error) {
      this.watcher = undefined; // connect again at the next beat
      this.log.debug(`progress not available: ${(error as Error).message}`);
    }
  }

  private async sample(): Promise<Sample | undefined> {
    this.watcher ??= this.connect();
    const { rows } = await (await this.watcher).query<Sample>(
      `select extract(epoch from now() - a.query_start)::float8 as seconds,
              case when a.wait_event_type is not null then a.wait_event_type || ':' || a.wait_event end as wait_event,
              p.phase, p.index_relid::regclass::text as index, p.blocks_done, p.blocks_total, p.tuples_done, p.tuples_total
         from pg_stat_activity a left join pg_stat_progress_create_index p on p.pid = a.pid
        where a.pid = $1 and a.state = 'active'`,
      [this.pid],
    );
    return rows[0];
  }

  private async connect(): Promise<pg.Client> {
    const watcher = new pg.Client({ ...this.config.database.client, application_name: 'mnemolite-migrate (progress)' });
    watcher.on('error', () => undefined); // the next query fails and the beat connects again
    await watcher.connect();
    return watcher;
  }
}

function describe(fields: { elapsed_s: number; waiting_on?: string; phase?: string; blocks_done?: number; blocks_total?: number; tuples_done?: number; tuples_total?: number }): string {
  const parts = [`${fields.elapsed_s} s`];
  if (fields.phase) parts.push(fields.phase);
  if (fields.blocks_total) parts.push(`blocks ${fields.blocks_done}/${fields.blocks_total} (${Math.floor((100 * fields.blocks_done!) / fields.blocks_total)}%)`);
  if (fields.tuples_total) parts.push(`tuples ${fields.tuples_done}/${fields.tuples_total}`);
  if (fields.waiting_on) parts.push(`waiting on ${fields.waiting_on}`);
  return `: ${parts.join(', ')}`;
}
