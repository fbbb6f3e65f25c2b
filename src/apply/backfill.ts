// A migration that fills columns declares it as data (`export const backfill`),
// and the runner fills them: in keyed batches, each one autocommitted statement
// sized to stay well under a second (batch-size.ts), so writers never wait long
// on its row locks, and each after the replicas are within their lag bound
// (replica-throttle.ts). Killed, it loses at most the batch under way: the rerun
// counts and fills only the rows `pending` still matches.

import type { Backfill } from '../chain/backfill-declaration.ts';
import { backfillBatchSql } from '../database/backfill-sql.ts';
import type { BackfillPort } from '../database/port.ts';
import { Interrupted } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { SignalWatch } from '../signals.ts';
import { FIRST_BATCH, nextBatchSize } from './batch-size.ts';
import type { ReplicaThrottle } from './replica-throttle.ts';

/** A backfill under way, for heartbeats; the loop updates it after each batch. */
export interface BackfillProgress {
  table: string;
  /** rows filled so far by this run */
  done: number;
  /** rows pending when this run began */
  total: number;
  startedMs: number;
}

/**
 * While a backfill runs, row versions wider than this keep their widest values in TOAST (PostgreSQL's
 * default is 2032). A row given a 1.5 kB embedding then stays about as narrow as it was, so its new
 * version fits in the page room its predecessors left: a HOT update, which adds no entry to any index
 * of the table, where every other update inserts into each of its HNSW indexes (bench:halfvec).
 */
export const COMPACT_ROW_BYTES = 1024;
const POSTGRES_TOAST_TUPLE_TARGET = 2032;

interface Run {
  database: BackfillPort;
  log: Logger;
  signals: SignalWatch;
  migration: string;
  replicas: Pick<ReplicaThrottle, 'wait'>;
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
  { database, log, signals, migration, replicas, follow, noting }: Run,
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
      if (progress.total > 0) await replicas.wait(`the next batch of ${backfill.table}`, migration);
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
