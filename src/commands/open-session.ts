// Opening a session for a command: the migrations directory read first (a bad
// MIGRATIONS_DIR is reported before touching the database), one connection waited
// for, the pooler and a standby checked, and the connection closed on every exit path.
import { listMigrations } from '../chain/migration-files.ts';
import { waitForDatabase } from '../database/connect.ts';
import { LEDGER_SCHEMA } from '../database/ledger-sql.ts';
import { PostgresDatabase } from '../database/postgres-database.ts';
import { refusePerTransactionPooling } from '../session/pooling.ts';
import { type Context, createSession, type Migrator, type Session } from '../session/session.ts';
import { type Access, checkStandby } from '../session/standby.ts';

export async function withSession<T>(
  context: Context,
  access: Access,
  work: (session: Session) => Promise<T>,
): Promise<T> {
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
  const migrator: Migrator = async (session, request) =>
    (await import('../apply/apply-migrations.ts')).applyMigrations(session, request);
  try {
    checkStandby(database, context.config.database.display, access, context.log);
    await refusePerTransactionPooling(database, context.config.database.display);
    return await work(createSession(context, database, files, migrator));
  } finally {
    await database.close();
  }
}
