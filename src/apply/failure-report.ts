// What to tell the operator when a migration run fails: which migration, its
// file, the statement (around PostgreSQL's error position), PostgreSQL's own
// words, and what state the database was left in; always after making sure no
// transaction is left open on the connection.
import type { MigrationBuilder } from 'node-pg-migrate';
import type { Blocker } from '../database/port.ts';
import {
  DatabaseUnavailable,
  Interrupted,
  LockNotGranted,
  MigrateError,
  MigrationFailed,
  SharedMemoryTooSmall,
} from '../errors.ts';
import type { Session } from '../session/session.ts';

/** The migration node-pg-migrate is running, as apply-migrations.ts follows it. */
export interface Running {
  name: string;
  path: string;
  started: number;
  pgm?: MigrationBuilder;
  statement?: string;
}

const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';
const FOREIGN_KEY_VIOLATION = '23503';
const CHECK_VIOLATION = '23514';
// a parallel build's shared memory does not fit in the server's /dev/shm (Docker gives 64MB unless told)
const DISK_FULL = '53100';
const NO_SHARED_MEMORY = /could not resize shared memory segment/;
// The server ends the session itself when it shuts down (a restart, `docker stop`) or an
// administrator terminates it: the connection is gone, though the socket may not be closed yet.
const SESSION_ENDED_BY_SERVER = new Set(['57P01', '57P02']);

// Turns whatever node-pg-migrate threw into one of our errors, after making sure
// no transaction is left open on the connection.
export async function explainFailure(session: Session, error: unknown, running: Running | undefined): Promise<Error> {
  const { database } = session;
  if (database.connectionLost() || SESSION_ENDED_BY_SERVER.has((error as { code?: string }).code ?? '')) {
    return new DatabaseUnavailable(
      `lost the connection to ${session.config.database.display} during ${running?.name ?? 'the migrations'}: ${(error as Error).message}`,
      ['PostgreSQL rolls back a transaction whose client is gone; the next run repeats what was not recorded'],
    );
  }
  await database.rollback().catch(() => undefined);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof MigrateError) return cause; // a migration that does not load
  if (error instanceof MigrateError) return error;
  if (session.signals.received) return interrupted(session, running?.name);

  const pgError = error as { code?: string; message: string; detail?: string; hint?: string; position?: string };
  const name = running?.name ?? 'migration';
  const transactional = running?.pgm?.isUsingTransaction() ?? true;
  const details = [
    ...(running ? [`file: ${running.path}`] : []),
    ...(running?.statement ? [`statement: ${excerpt(running.statement, pgError.position)}`] : []),
    `postgres: ${pgError.message}${pgError.code ? ` (SQLSTATE ${pgError.code})` : ''}`,
    ...(pgError.detail ? [`detail: ${pgError.detail}`] : []),
    ...(pgError.hint ? [`hint: ${pgError.hint}`] : []),
  ];
  if (!transactional) {
    details.push(
      'this migration runs outside a transaction: statements before the failing one stay applied; it is not recorded, so the next run repeats it',
    );
    const invalid = await database.invalidIndexes().catch(() => []);
    if (invalid.length > 0)
      details.push(
        `invalid indexes left behind: ${invalid.join(', ')} (the rerun drops and rebuilds them, or drop them with DROP INDEX CONCURRENTLY)`,
      );
  }
  if (
    (pgError.code === FOREIGN_KEY_VIOLATION || pgError.code === CHECK_VIOLATION) &&
    /\bvalidate\s+constraint\b/i.test(running?.statement ?? '')
  )
    details.push(
      'rows already in the table break the constraint this migration validates (detail names one): fix or remove them, then run `up` again; the migrations before this one stay applied',
    );
  if (pgError.code === LOCK_NOT_AVAILABLE) {
    const blockers = (await database.blockers().catch(() => [])).map(describeBlocker);
    const failure = new MigrationFailed(
      `migration ${name} could not lock what it changes within MIGRATE_DDL_LOCK_TIMEOUT (${session.config.ddlLockTimeoutMs / 1000} s); rolled back`,
      [
        ...details,
        ...(blockers.length ? blockers.map((b) => `blocked by ${b}`) : ['the blocking session has already finished']),
      ],
    );
    return new LockNotGranted(name, failure);
  }
  if (pgError.code === DISK_FULL && NO_SHARED_MEMORY.test(pgError.message)) {
    return new SharedMemoryTooSmall(
      name,
      new MigrationFailed(`migration ${name} failed${transactional ? ' and was rolled back' : ''}`, details),
    );
  }
  if (pgError.code === QUERY_CANCELED && session.config.statementTimeoutMs > 0) {
    return new MigrationFailed(
      `migration ${name} exceeded MIGRATE_STATEMENT_TIMEOUT (${session.config.statementTimeoutMs / 1000} s)${transactional ? '; rolled back' : ''}`,
      details,
    );
  }
  return new MigrationFailed(`migration ${name} failed${transactional ? ' and was rolled back' : ''}`, details);
}

export function interrupted(session: Session, migration: string | undefined): Interrupted {
  const signal = session.signals.received!;
  return new Interrupted(
    signal,
    migration && `during ${migration}, which was rolled back`,
    'the migration lock is released',
  );
}

// The statement, cut to the lines around PostgreSQL's error position.
function excerpt(statement: string, position: string | undefined): string {
  const text = statement.trim();
  const offset = position ? Number(position) - 1 : -1;
  const line = offset >= 0 ? text.slice(0, offset).split('\n').length : undefined;
  const lines = text.split('\n');
  const from = line ? Math.max(0, line - 3) : 0;
  const shown = lines.slice(from, from + 6).join('\n    ');
  return `${line ? `(line ${line}) ` : ''}${shown}${lines.length > from + 6 ? '\n    …' : ''}`;
}

function describeBlocker(b: Blocker): string {
  const since = b.since ? `, transaction open since ${b.since.toISOString()}` : '';
  return `pid ${b.pid} (${b.application_name || 'no application_name'}, ${b.state}${since}) holding locks on ${b.relations}`;
}
