// Every failure the runner reports is one of these classes; the CLI maps them
// to exit codes through EXIT_CODES alone, never by reading messages.

/** Base class: `message` is one readable line that never holds a password. */
export class MigrateError extends Error {
  /** Extra lines printed under the message (what differs, how to fix it). */
  readonly details: readonly string[];
  constructor(message: string, details: readonly string[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** A migration failed; its transaction was rolled back (exit 1). */
export class MigrationFailed extends MigrateError {}
/** `lint` found dangerous operations not accepted in their file (exit 1). */
export class LintFindings extends MigrateError {}
/** Bad arguments (exit 2). */
export class UsageError extends MigrateError {}
/** Bad or missing settings, or an unreadable migrations directory (exit 3). */
export class ConfigError extends MigrateError {}
/** The database could not be reached, or refused us (exit 4). */
export class DatabaseUnavailable extends MigrateError {}
/** Another runner held the migration lock for longer than MIGRATE_LOCK_TIMEOUT (exit 5). */
export class LockTimeout extends MigrateError {}
/** The database is not what the migrations expect: drift, unknown history, wrong schema (exit 6). */
export class SchemaMismatch extends MigrateError {}
/** `verify` found migrations not yet applied (exit 7). */
export class PendingMigrations extends MigrateError {}
/** SIGINT / SIGTERM arrived; the running migration was cancelled and rolled back (130 / 143). */
export class Interrupted extends MigrateError {
  readonly signal: 'SIGINT' | 'SIGTERM';
  constructor(signal: 'SIGINT' | 'SIGTERM', message: string) {
    super(message);
    this.signal = signal;
  }
}

export const EXIT_CODES = {
  ok: 0,
  MigrationFailed: 1,
  UsageError: 2,
  ConfigError: 3,
  DatabaseUnavailable: 4,
  LockTimeout: 5,
  SchemaMismatch: 6,
  PendingMigrations: 7,
  SIGINT: 130,
  SIGTERM: 143,
} as const;

export function exitCodeOf(error: unknown): number {
  if (error instanceof Interrupted) return EXIT_CODES[error.signal];
  if (error instanceof MigrationFailed || error instanceof LintFindings) return EXIT_CODES.MigrationFailed;
  if (error instanceof UsageError) return EXIT_CODES.UsageError;
  if (error instanceof ConfigError) return EXIT_CODES.ConfigError;
  if (error instanceof DatabaseUnavailable) return EXIT_CODES.DatabaseUnavailable;
  if (error instanceof LockTimeout) return EXIT_CODES.LockTimeout;
  if (error instanceof SchemaMismatch) return EXIT_CODES.SchemaMismatch;
  if (error instanceof PendingMigrations) return EXIT_CODES.PendingMigrations;
  return 1; // an unexpected error: still a failure the API must not start behind
}
