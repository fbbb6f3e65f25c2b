// What a database command works with: the settings, the logger, the signal watch,
// the migrations on disk, the database port, the lock, and the way migrations are
// applied. commands/open-session.ts opens one for a command.

import type { MigrationFile } from '../chain/migration-files.ts';
import type { Database } from '../database/port.ts';
import type { Logger } from '../log.ts';
import type { Config } from '../settings/config.ts';
import type { SignalWatch } from '../signals.ts';
import { withLock } from './lock.ts';

export interface Context {
  config: Config;
  log: Logger;
  signals: SignalWatch;
}

export interface ApplyRequest {
  direction: 'up' | 'down';
  /** how many migrations to run; `up` runs all pending when omitted */
  count?: number;
}

/** Runs migrations and returns the names of those run, in order (apply-migrations.ts; an in-memory one in tests). */
export type Migrator = (session: Session, request: ApplyRequest) => Promise<string[]>;

export interface Session extends Context {
  database: Database;
  files: MigrationFile[];
  /**
   * Runs `work` holding the migration lock (waiting for it up to MIGRATE_LOCK_TIMEOUT);
   * while waiting, `unless` may end the wait with its own result (another runner did the work).
   */
  withLock<T>(work: () => Promise<T>, unless?: () => Promise<T | undefined>): Promise<T>;
  apply(request: ApplyRequest): Promise<string[]>;
}

export function createSession(
  context: Context,
  database: Database,
  files: MigrationFile[],
  migrator: Migrator,
): Session {
  const lock = { timeoutMs: context.config.lockTimeoutMs, log: context.log, signals: context.signals };
  const session: Session = {
    ...context,
    database,
    files,
    withLock: (work, unless) => withLock(database, lock, work, unless),
    apply: (request) => migrator(session, request),
  };
  return session;
}
