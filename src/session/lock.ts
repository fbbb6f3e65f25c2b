// The migration lock: taken by polling the port's try-lock with jittered
// backoff. A waiter blocked inside PostgreSQL (pg_advisory_lock) could deadlock
// with CREATE INDEX CONCURRENTLY in the holder, and would wait forever; polling
// does neither.
import type { LockHolder, LockPort } from '../database/port.ts';
import { Interrupted, LockTimeout } from '../errors.ts';
import type { Logger } from '../log.ts';
import { backoff, type SignalWatch, sleep } from '../signals.ts';

export interface LockOptions {
  timeoutMs: number;
  log: Logger;
  signals: SignalWatch;
}

/**
 * Runs `work` holding the lock, waiting for it up to `timeoutMs`; while waiting,
 * `unless` may end the wait with its own result (another runner did the work).
 */
export async function withLock<T>(
  database: LockPort,
  options: LockOptions,
  work: () => Promise<T>,
  unless?: () => Promise<T | undefined>,
): Promise<T> {
  const { timeoutMs, log, signals } = options;
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    if (await database.tryLock()) {
      try {
        return await work();
      } finally {
        // if the connection died the lock died with it
        await database.unlock().catch(() => undefined);
      }
    }
    if (signals.received) throw new Interrupted(signals.received, 'while waiting for the migration lock');
    if (attempt > 0 && unless) {
      const early = await unless();
      if (early !== undefined) return early;
    }
    if (Date.now() >= deadline) {
      throw new LockTimeout(
        `migration lock not acquired within ${timeoutMs / 1000} s (MIGRATE_LOCK_TIMEOUT); held by ${describeHolder(await database.lockHolder())}`,
      );
    }
    if (attempt === 0)
      log.info(
        `another runner holds the migration lock (${describeHolder(await database.lockHolder())}); waiting up to ${timeoutMs / 1000} s`,
      );
    await sleep(
      Math.min(pollPause(attempt, Date.now() - started), Math.max(0, deadline - Date.now())),
      signals.abortSignal,
    );
  }
}

/**
 * Sparser polls the longer the wait: a waiter notices the holder is done within about a tenth of the
 * time it has waited (at most 250 ms in the first seconds, 2 s at most), so fifty replicas behind a
 * long index build ask the server a few dozen times a second, not hundreds.
 */
export function pollPause(attempt: number, waitedMs: number): number {
  return backoff(attempt, 25, Math.min(2000, Math.max(250, waitedMs / 10)));
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'a session that has just released it';
  const from = holder.client_addr ? ` from ${holder.client_addr}` : ' over a local socket';
  const since = holder.since ? `, connected since ${holder.since.toISOString()}` : '';
  return `pid ${holder.pid} (${holder.application_name || 'no application_name'})${from}${since}`;
}
