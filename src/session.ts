// What a database command works with: the settings, the logger, the signal watch,
// the migrations on disk, the database port (one connection, closed on every
// exit path), the lock, and the way migrations are applied.
import type { Config } from './config.ts';
import type { Database } from './database/port.ts';
import { PostgresDatabase } from './database/postgres-database.ts';
import { withLock } from './lock.ts';
import type { Logger } from './log.ts';
import { listMigrations, type MigrationFile } from './migration-files.ts';
import { refusePerTransactionPooling } from './pooling.ts';
import type { SignalWatch } from './signals.ts';
import { waitForDatabase } from './wait-for-db.ts';

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

/** Runs migrations and returns the names of those run, in order (apply.ts; an in-memory one in tests). */
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

/** The ledger's schema: node-pg-migrate's default, which MnemoLite keeps. */
export const LEDGER_SCHEMA = 'public';

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

export async function withSession<T>(context: Context, work: (session: Session) => Promise<T>): Promise<T> {
  // the directory first: a bad MIGRATIONS_DIR is reported before touching the database
  const files = listMigrations(context.config.migrationsDir);
  const connection = await waitForDatabase(context.config, context.log, context.signals);
  const database = new PostgresDatabase(connection, {
    clientConfig: context.config.database.client,
    schema: LEDGER_SCHEMA,
    table: context.config.migrationsTable,
    debug: (message) => context.log.debug(message),
  });
  // node-pg-migrate is loaded only when there is work
  const migrator: Migrator = async (session, request) => (await import('./apply.ts')).applyMigrations(session, request);
  try {
    await refusePerTransactionPooling(database, context.config.database.display);
    return await work(createSession(context, database, files, migrator));
  } finally {
    await database.close();
  }
}
