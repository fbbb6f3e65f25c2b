// A migration that fills columns declares it as data (`export const backfill`),
// and the runner fills them: in keyed batches, each one autocommitted statement
// sized to stay well under a second (batch-size.ts), so writers never wait long
// on its row locks. Killed, it loses at most the batch under way: the rerun
// counts and fills only the rows `pending` still matches.

import { basename, extname } from 'node:path';
import { FIRST_BATCH, nextBatchSize } from './batch-size.ts';
import { backfillBatchSql } from './database/backfill-sql.ts';
import type { Database } from './database/port.ts';
import { ConfigError, Interrupted } from './errors.ts';
import type { Logger } from './log.ts';
import type { SignalWatch } from './signals.ts';

export interface Backfill {
  /** the table, as SQL names it */
  table: string;
  /** a unique column the batches walk in order (the primary key) */
  key: string;
  /** the UPDATE's SET list */
  set: string;
  /** true for a row still to fill, false once `set` filled it: how a rerun knows where to resume */
  pending: string;
}

/** A backfill under way, for heartbeats; the loop updates it after each batch. */
export interface BackfillProgress {
  table: string;
  /** rows filled so far by this run */
  done: number;
  /** rows pending when this run began */
  total: number;
  startedMs: number;
}

const FIELDS = ['table', 'key', 'set', 'pending'] as const;

/**
 * While a backfill runs, row versions wider than this keep their widest values in TOAST (PostgreSQL's
 * default is 2032). A row given a 1.5 kB embedding then stays about as narrow as it was, so its new
 * version fits in the page room its predecessors left: a HOT update, which adds no entry to any index
 * of the table, where every other update inserts into each of its HNSW indexes (bench:halfvec).
 */
export const COMPACT_ROW_BYTES = 1024;
const POSTGRES_TOAST_TUPLE_TARGET = 2032;

/**
 * The backfills a migration module declares, or undefined. A declared backfill is the
 * migration's up, so it may not also export one; and it must say what down does, since
 * node-pg-migrate would otherwise replay up (the backfill) as down.
 */
export function declaredBackfills(module: Record<string, unknown>, path: string): Backfill[] | undefined {
  const declared = module.backfill;
  if (declared === undefined) return undefined;
  const name = basename(path, extname(path));
  const problem = (text: string) => new ConfigError(`migration ${name}${text}`, [`file: ${path}`]);
  if (!Array.isArray(declared)) throw problem(`: export backfill as a list of { ${FIELDS.join(', ')} }`);
  for (const item of declared as unknown[]) {
    const fields = (item ?? {}) as Record<string, unknown>;
    const bad = FIELDS.filter((field) => typeof fields[field] !== 'string' || !(fields[field] as string).trim());
    if (bad.length > 0)
      throw problem(`: a backfill needs ${FIELDS.join(', ')} as SQL text; missing or empty: ${bad.join(', ')}`);
  }
  if (module.up !== undefined) throw problem(' declares a backfill, which is its up: it may not export up too');
  if (module.down === undefined)
    throw problem(
      ' declares a backfill: it must export down too (a no-op function when there is nothing to undo, or false)',
    );
  return declared as Backfill[];
}

interface Run {
  database: Database;
  log: Logger;
  signals: SignalWatch;
  migration: string;
  /** told when a backfill starts (its progress) and ends (undefined) */
  follow(progress: BackfillProgress | undefined): void;
  /** told each batch's statement before it is sent, for the failure report */
  noting(sql: string): void;
}

export async function runBackfills(backfills: readonly Backfill[], run: Run): Promise<void> {
  for (const backfill of backfills) await runBackfill(backfill, run);
}

async function runBackfill(
  backfill: Backfill,
  { database, log, signals, migration, follow, noting }: Run,
): Promise<void> {
  const progress: BackfillProgress = {
    table: backfill.table,
    done: 0,
    total: await database.pendingRows(backfill),
    startedMs: performance.now(),
  };
  const stopped = () =>
    new Interrupted(
      signals.received!,
      `during ${migration}, with ${progress.done} of ${progress.total} rows of ${backfill.table} filled`,
      'the filled rows stay, the batch under way was rolled back, and the next run fills the rest; the migration lock is released',
    );
  follow(progress);
  // one left by a run that was killed is ours, not the table's own
  const own = await database.toastTupleTarget(backfill.table);
  const restore = own === COMPACT_ROW_BYTES ? undefined : own;
  const lower = progress.total > 0 && (own ?? POSTGRES_TOAST_TUPLE_TARGET) > COMPACT_ROW_BYTES;
  if (lower) await database.setToastTupleTarget(backfill.table, COMPACT_ROW_BYTES);
  let after: string | undefined;
  let size = FIRST_BATCH;
  let batches = 0;
  try {
    for (;;) {
      if (signals.received) throw stopped();
      noting(backfillBatchSql(backfill, after === undefined));
      const started = performance.now();
      const batch = await database.backfillBatch(backfill, after, size).catch((error) => {
        throw signals.received ? stopped() : error; // the statement was cancelled by the signal
      });
      if (batch.last === undefined) break;
      const ms = performance.now() - started;
      batches++;
      progress.done += batch.filled;
      const next = nextBatchSize({ size, rows: batch.filled, ms });
      log.debug(`batch ${batches} of ${backfill.table}: ${batch.filled} rows in ${Math.round(ms)} ms; next ${next}`, {
        migration,
      });
      size = next;
      after = batch.last;
    }
  } finally {
    follow(undefined);
    if (lower || own === COMPACT_ROW_BYTES)
      await database
        .setToastTupleTarget(backfill.table, restore)
        .catch((error) =>
          log.warn(
            `toast_tuple_target of ${backfill.table} not restored (${error.message}); the next run of ${migration} restores it`,
            { migration },
          ),
        );
  }
  log.info(`filled ${progress.done} rows of ${backfill.table} in ${batches} batches`, {
    migration,
    table: backfill.table,
    rows: progress.done,
    batches,
    duration_ms: Math.round(performance.now() - progress.startedMs),
  });
}
