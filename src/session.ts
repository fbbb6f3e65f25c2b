// What a database command works with: the settings, the logger, the signal watch,
// the migrations on disk, and one connection that is closed on every exit path.
import pg from 'pg';
import type { Config } from './config.ts';
import { LedgerTables } from './ledger.ts';
import { acquireLock, lockKey } from './lock.ts';
import type { Logger } from './log.ts';
import { listMigrations, type MigrationFile } from './migration-files.ts';
import type { SignalWatch } from './signals.ts';
import { waitForDatabase } from './wait-for-db.ts';

export interface Context {
  config: Config;
  log: Logger;
  signals: SignalWatch;
}

export interface Session extends Context {
  client: pg.Client;
  /** the server process behind `client` */
  pid: number;
  tables: LedgerTables;
  files: MigrationFile[];
  /**
   * Runs `work` holding the migration lock (waiting for it up to MIGRATE_LOCK_TIMEOUT);
   * while waiting, `unless` may end the wait with its own result (another runner did the work).
   */
  withLock<T>(work: () => Promise<T>, unless?: () => Promise<T | undefined>): Promise<T>;
  /** Whether the connection broke during the command. */
  connectionLost(): boolean;
  /** Cancels the statement our connection is running, from a second short connection. */
  cancelRunningStatement(): Promise<void>;
}

const SCHEMA = 'public';

export async function withSession<T>(context: Context, work: (session: Session) => Promise<T>): Promise<T> {
  // the directory first: a bad MIGRATIONS_DIR is reported before touching the database
  const files = listMigrations(context.config.migrationsDir);
  const database = await waitForDatabase(context.config, context.log, context.signals);
  const tables = new LedgerTables(SCHEMA, context.config.migrationsTable);
  const session: Session = {
    ...context,
    client: database.client,
    pid: database.pid,
    tables,
    files,
    connectionLost: database.lost,
    async withLock(locked, unless) {
      let early: Awaited<ReturnType<NonNullable<typeof unless>>>;
      const release = await acquireLock(database.client, lockKey(SCHEMA, context.config.migrationsTable), {
        timeoutMs: context.config.lockTimeoutMs,
        log: context.log,
        signals: context.signals,
        done: unless && (async () => (early = await unless()) !== undefined),
      });
      if (!release) return early!;
      try {
        return await locked();
      } finally {
        // if the connection died the lock died with it
        await release().catch(() => undefined);
      }
    },
    async cancelRunningStatement() {
      const canceller = new pg.Client({ ...context.config.database.client, application_name: 'mnemolite-migrate (cancel)', connectionTimeoutMillis: 3000 });
      canceller.on('error', () => undefined);
      try {
        await canceller.connect();
        await canceller.query('select pg_cancel_backend($1)', [database.pid]);
      } catch (error) {
        context.log.debug(`could not cancel the running statement: ${(error as Error).message}`);
      } finally {
        await canceller.end().catch(() => undefined);
      }
    },
  };
  try {
    return await work(session);
  } finally {
    await database.close();
  }
}
