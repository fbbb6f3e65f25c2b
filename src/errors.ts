// Every failure the runner reports is one of these classes, and each carries its
// own exit code: the CLI reads `exitCode`, never messages or class names.
import type { StopSignal } from './signals.ts';

/** Base class: `message` is one readable line that never holds a password. */
export abstract class MigrateError extends Error {
  abstract readonly exitCode: number;
  /** Extra lines printed under the message (what differs, how to fix it). */
  readonly details: readonly string[];
  constructor(message: string, details: readonly string[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** A migration failed; its transaction was rolled back. */
export class MigrationFailed extends MigrateError {
  readonly exitCode = 1;
}
/** A failed migration apply-migrations.ts may run again; when it does not, `failure` is what is reported. */
abstract class RetryableFailure extends MigrateError {
  readonly exitCode = 1;
  readonly migration: string;
  readonly failure: MigrationFailed;
  constructor(migration: string, failure: MigrationFailed) {
    super(failure.message, failure.details);
    this.migration = migration;
    this.failure = failure;
  }
}
/** A DDL lock was not granted within MIGRATE_DDL_LOCK_TIMEOUT: retried with backoff. */
export class LockNotGranted extends RetryableFailure {}
/** A parallel index build asked for more shared memory (/dev/shm) than the server has: rerun without workers. */
export class SharedMemoryTooSmall extends RetryableFailure {}
/** `lint` found dangerous operations not accepted in their file. */
export class LintFindings extends MigrateError {
  readonly exitCode = 1;
}
/** The migration exports `down = false` (or `up = false`): node-pg-migrate refuses to run it that way. */
export class IrreversibleMigration extends MigrateError {
  readonly exitCode = 1;
}
/** Bad arguments. */
export class UsageError extends MigrateError {
  readonly exitCode = 2;
}
/** `diff` will not write a change: it has no safe form, or it is destructive and not allowed. */
export class ChangeRefused extends UsageError {}
/** Bad or missing settings, or an unreadable migrations directory or file. */
export class ConfigError extends MigrateError {
  readonly exitCode = 3;
}
/** SQL the PostgreSQL parser rejects; `line` is 1-based in the parsed SQL. */
export class SqlSyntaxError extends ConfigError {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}
/** A migration module that does not parse (TypeScript, JavaScript); `line` is 1-based in the file. */
export class MigrationSyntaxError extends ConfigError {
  readonly file: string;
  readonly line: number;
  constructor(message: string, file: string, line: number) {
    super(message, [`file: ${file}:${line}`]);
    this.file = file;
    this.line = line;
  }
}
/** Extensions the pending migrations create are missing, and the role may not create them. */
export class ExtensionsMissing extends ConfigError {}
/** A connection URL that cannot be used; its message never contains the URL. */
export class InvalidUrl extends MigrateError {
  readonly exitCode = 3;
}
/** The database could not be reached, or refused us. */
export class DatabaseUnavailable extends MigrateError {
  readonly exitCode = 4;
}
/** The server is a standby in recovery (a read-only replica): no wait makes it the primary. */
export class StandbyRefused extends DatabaseUnavailable {
  /** `why`: what cannot be done there, e.g. "`up` writes" */
  constructor(display: string, why: string) {
    super(
      `${display} is a standby in recovery (a read-only replica), and ${why}: point DATABASE_URL (or MIGRATE_DATABASE_URL) at the primary; nothing was done`,
      [
        'under Patroni or CloudNativePG, the read-write service (CloudNativePG: <cluster>-rw) always leads to the primary',
      ],
    );
  }
}
/** The database named does not exist (`up` creates it when the role may). */
export class DatabaseMissing extends DatabaseUnavailable {}
/** Some of several databases failed, each already reported; the exit code is the highest of theirs. */
export class DatabasesFailed extends MigrateError {
  readonly exitCode: number;
  constructor(failed: { database: string; exitCode: number }[], of: number) {
    super(
      `${failed.length} of ${of} databases failed: ${failed.map((f) => `${f.database} (exit ${f.exitCode})`).join(', ')}`,
    );
    this.exitCode = Math.max(...failed.map((f) => f.exitCode));
  }
}
/** Another runner held the migration lock for longer than MIGRATE_LOCK_TIMEOUT. */
export class LockTimeout extends MigrateError {
  readonly exitCode = 5;
}
/** The database is not what the migrations expect: drift, unknown history, wrong schema. */
export class SchemaMismatch extends MigrateError {
  readonly exitCode = 6;
}
/** `verify` found migrations not yet applied. */
export class PendingMigrations extends MigrateError {
  readonly exitCode = 7;
}
/** The connection goes through a pooler in transaction or statement mode, where session locks and settings do not hold. */
export class PerTransactionPooling extends MigrateError {
  readonly exitCode = 8;
}

/** SIGINT / SIGTERM arrived; the running migration was cancelled and rolled back (130 / 143). */
export class Interrupted extends MigrateError {
  readonly exitCode: 130 | 143;
  readonly signal: StopSignal;
  /** The one place the "stopped by SIGTERM while …; …" message is built. */
  constructor(signal: StopSignal, during: string | undefined, outcome?: string) {
    super(`stopped by ${signal}${during ? ` ${during}` : ''}${outcome ? `; ${outcome}` : ''}`);
    this.signal = signal;
    this.exitCode = signal === 'SIGINT' ? 130 : 143;
  }
}

/** Unexpected errors (a bug, a library's own error) still fail: the API must not start behind them. */
export function exitCodeOf(error: unknown): number {
  return error instanceof MigrateError ? error.exitCode : 1;
}
