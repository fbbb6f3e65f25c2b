// Behind a pooler that hands out server connections per transaction (PgBouncer's
// transaction or statement mode), a session advisory lock and SET do not outlive
// a transaction: two runners could migrate at once. Found before the lock is taken.
import type { ConnectionPort, PoolingProbe } from '../database/port.ts';
import { PerTransactionPooling } from '../errors.ts';

/** Rounds of the probe: one settles PgBouncer; a second costs milliseconds and catches a pooler that reuses servers less predictably. */
const ROUNDS = 2;

/**
 * PostgreSQL announces its own pid at start-up (BackendKeyData); PgBouncer and the
 * other poolers we know answer with a key of their own, so no probe is needed
 * when the two agree: the common, direct case costs no round trip at all.
 */
export function announcedByServer(database: Pick<ConnectionPort, 'pid' | 'announcedPid'>): boolean {
  return database.pid === database.announcedPid;
}

/**
 * A server connection of our own keeps its pid across our transactions and is never
 * handed to another session meanwhile. Under PgBouncer's default LIFO reuse, the
 * other session of the probe gets the server we have just released in transaction
 * mode, or ours waits for one while the other holds it.
 */
export function ownsServer(pid: number, probe: PoolingProbe): boolean {
  return probe.before === pid && probe.after === pid && probe.other !== undefined && probe.other !== pid;
}

export async function refusePerTransactionPooling(database: ConnectionPort, display: string): Promise<void> {
  if (announcedByServer(database)) return;
  for (let round = 0; round < ROUNDS; round++) {
    const probe = await database.probePooling();
    if (ownsServer(database.pid, probe)) continue;
    throw new PerTransactionPooling(
      `${display} is behind a pooler that hands out server connections per transaction (PgBouncer pool_mode = transaction or statement): the migration lock and session settings would not hold, so nothing was done`,
      [
        `server pids seen: ours ${database.pid}, then ${probe.before}; another session's ${probe.other ?? '(refused a transaction)'}; ours meanwhile ${probe.after ?? '(waited for a server)'}`,
        'set MIGRATE_DATABASE_URL to a direct URL for the runner (PostgreSQL itself, or a pool in session mode); the API keeps DATABASE_URL',
      ],
    );
  }
}
