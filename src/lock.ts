// The migration lock: a session advisory lock on our connection, taken by polling
// pg_try_advisory_lock with jittered backoff. A waiter blocked inside PostgreSQL
// (pg_advisory_lock) could deadlock with CREATE INDEX CONCURRENTLY in the holder,
// and would wait forever; polling does neither.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { Interrupted, LockTimeout } from './errors.ts';
import type { Logger } from './log.ts';
import { backoff, sleep, type SignalWatch } from './signals.ts';

/** node-pg-migrate's own key, kept for its default table so plain node-pg-migrate runs still exclude ours. */
const NODE_PG_MIGRATE_LOCK_ID = 7241865325823964n;

/** Derived from the migrations table, so services sharing a database with different tables do not block each other. */
export function lockKey(schema: string, table: string): bigint {
  if (schema === 'public' && table === 'pgmigrations') return NODE_PG_MIGRATE_LOCK_ID;
  return createHash('sha256').update(`${schema}.${table}`).digest().readBigInt64BE(0);
}

export interface LockHolder {
  pid: number;
  application_name: string;
  client_addr: string | null;
  since: Date | null;
}

export interface LockOptions {
  timeoutMs: number;
  log: Logger;
  signals: SignalWatch;
  /** Asked between polls: true when the lock is no longer needed (another runner did the work). */
  done?: () => Promise<boolean>;
}

/** The release function, or undefined when `done` said the lock is no longer needed. */
export async function acquireLock(client: pg.Client, key: bigint, options: LockOptions): Promise<(() => Promise<void>) | undefined> {
  const { timeoutMs, log, signals, done } = options;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [key.toString()]);
    if (rows[0]!.locked) {
      return async () => {
        await client.query('select pg_advisory_unlock($1)', [key.toString()]);
      };
    }
    if (signals.received) throw new Interrupted(signals.received, `stopped by ${signals.received} while waiting for the migration lock`);
    if (attempt > 0 && (await done?.())) return undefined;
    if (Date.now() >= deadline) {
      throw new LockTimeout(
        `migration lock not acquired within ${timeoutMs / 1000} s (MIGRATE_LOCK_TIMEOUT); held by ${describeHolder(await lockHolder(client, key))}`,
      );
    }
    if (attempt === 0) log.info(`another runner holds the migration lock (${describeHolder(await lockHolder(client, key))}); waiting up to ${timeoutMs / 1000} s`);
    // short polls: a waiter should notice within a fraction of a second that the work is done
    await sleep(Math.min(backoff(attempt, 25, 250), Math.max(0, deadline - Date.now())), signals.abortSignal);
  }
}

// A single-bigint advisory lock shows in pg_locks as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
export async function lockHolder(client: pg.Client, key: bigint): Promise<LockHolder | undefined> {
  const unsigned = BigInt.asUintN(64, key);
  const { rows } = await client.query<LockHolder>(
    `select a.pid, a.application_name, host(a.client_addr) as client_addr, a.backend_start as since
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.objsubid = 1
        and l.database = (select oid from pg_database where datname = current_database())
        and l.classid = $1::bigint::oid and l.objid = $2::bigint::oid`,
    [(unsigned >> 32n).toString(), (unsigned & 0xffffffffn).toString()],
  );
  return rows[0];
}

function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'a session that has just released it';
  const from = holder.client_addr ? ` from ${holder.client_addr}` : ' over a local socket';
  const since = holder.since ? `, connected since ${holder.since.toISOString()}` : '';
  return `pid ${holder.pid} (${holder.application_name || 'no application_name'})${from}${since}`;
}
