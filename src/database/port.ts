// The database port: every statement the runner sends goes through this
// interface. Commands and decisions see only it; postgres-database.ts sends the
// SQL, memory-database.ts keeps the same contract in memory for fast tests, and
// test/support/database-contract.ts holds both to it.

import type { Backfill } from '../chain/backfill-declaration.ts';

export interface AppliedMigration {
  name: string;
  runOn: Date;
  /** null when applied before checksums were kept (e.g. by plain node-pg-migrate) */
  checksum: string | null;
}

export interface Ledger {
  /** whether node-pg-migrate's table exists */
  exists: boolean;
  /** in the order node-pg-migrate reads them: run_on, id */
  applied: AppliedMigration[];
}

export interface ChecksumEntry {
  name: string;
  checksum: string;
}

/** The session holding the migration lock. */
export interface LockHolder {
  pid: number;
  application_name: string;
  client_addr: string | null;
  since: Date | null;
}

/** A session holding locks on user tables: why our DDL may wait. */
export interface Blocker {
  pid: number;
  application_name: string;
  state: string;
  /** when its transaction began */
  since: Date | null;
  /** the tables it holds locks on, comma-separated */
  relations: string;
}

/** A fixed-size vector/halfvec column and its dimension count. */
export interface VectorColumn {
  column: string;
  dimensions: number;
}

/** What the running statement of the migrating connection is doing, for heartbeats. */
export interface ProgressSample {
  seconds: number;
  wait_event: string | null;
  phase: string | null;
  index: string | null;
  blocks_done: string | null;
  blocks_total: string | null;
  tuples_done: string | null;
  tuples_total: string | null;
}

/** A second connection that samples the migrating one; opened at the first sample, at most once. */
export interface ProgressWatcher {
  sample(): Promise<ProgressSample | undefined>;
  close(): Promise<void>;
}

/** What sizing an index build needs to know (build-memory.ts). */
export interface IndexBuildFacts {
  /** pg_class.reltuples, or a count when the table was never analysed */
  rows: number;
  /** the column's type when it is pgvector's with a fixed size (`halfvec`, 768) */
  column: { type: string; dimensions: number } | undefined;
  /** this session's maintenance_work_mem now */
  maintenanceWorkMemKb: number;
}

/** Settings for this session's index builds; never server-wide. */
export interface BuildSettings {
  maintenanceWorkMemKb: number;
  parallelWorkers: number;
}

export interface ServerNotice {
  message: string;
  detail?: string;
  hint?: string;
}

/** An extension on this server, as far as creating it goes. */
export interface ExtensionStatus {
  name: string;
  installed: boolean;
  /** the server offers it (pg_available_extensions) */
  available: boolean;
  /** this role may create it: a superuser, or a trusted extension and CREATE on the database */
  creatable: boolean;
}

/**
 * The server processes seen around a second session's transaction (pooling.ts decides):
 * ours, then the second session's while it holds its transaction open, then ours again.
 */
export interface PoolingProbe {
  before: number;
  /** undefined when the pooler refused the other session a transaction (PgBouncer's statement mode) */
  other: number | undefined;
  /** undefined when ours could not run while the other held its transaction (it waited for a server) */
  after: number | undefined;
}

/** The narrow query interface node-pg-migrate's runner() needs; only apply-migrations.ts uses it. */
export interface Executor {
  query(text: string | { text: string; values?: unknown[] }, values?: unknown[]): Promise<unknown>;
}

/** One backfill batch: the rows it filled, and the last key it picked (undefined: nothing was pending). */
export interface BackfillBatch {
  filled: number;
  last: string | undefined;
}

/** One streaming replica of this primary, as pg_stat_replication shows it. */
export interface ReplicaPosition {
  /** its application_name and address: the same across its reconnections */
  name: string;
  /** where it has replayed the WAL up to, in bytes from the start (replay_lsn) */
  replayed: number;
  /** the server's own replay_lag, in ms: it moves only when the replica reports, undefined when null */
  replayLagMs: number | undefined;
}

/** The primary's WAL position and its replicas', read at one moment of the server's clock. */
export interface ReplicationReading {
  /** clock_timestamp() on the server, in ms */
  atMs: number;
  /** how far the primary has written its WAL, in bytes from the start (pg_current_wal_lsn()) */
  written: number;
  replicas: ReplicaPosition[];
  /** replicas whose positions this role may not read (pg_stat_replication shows them to pg_monitor) */
  hidden: number;
  /** current_user, for the message when some are hidden */
  role: string;
}

/** The ledger: which migrations are applied, with their checksums. */
export interface LedgerPort {
  /** `schema.table` of the ledger, for messages */
  readonly ledgerName: string;
  readLedger(): Promise<Ledger>;
  /** Records migrations as applied without running them (rows and checksums), in one transaction. */
  stamp(entries: readonly ChecksumEntry[]): Promise<void>;
  /** Records (or replaces) checksums of applied migrations. */
  recordChecksums(entries: readonly ChecksumEntry[]): Promise<void>;
  /** Drops checksums of migrations no longer applied (after `down`). */
  forgetReverted(): Promise<void>;
  /** The catalog fingerprint recorded under `expected` by recordSchemaCheck, if any. */
  checkedFingerprint(expected: string): Promise<string | undefined>;
  /**
   * Records that at catalog `fingerprint` the schema was found as `expected` describes it (up: the
   * expected catalogs of the migrations and the vector dimension); replaces an earlier record of `expected`.
   */
  recordSchemaCheck(expected: string, fingerprint: string): Promise<void>;
}

/** The migration lock: a session advisory lock keyed by the ledger table. */
export interface LockPort {
  tryLock(): Promise<boolean>;
  unlock(): Promise<void>;
  lockHolder(): Promise<LockHolder | undefined>;
  /** Sessions holding locks on user tables, oldest transaction first. */
  blockers(): Promise<Blocker[]>;
}

/** The live schema, read as catalog lines (and its comments set from them). */
export interface CatalogPort {
  vectorColumns(): Promise<VectorColumn[]>;
  invalidIndexes(): Promise<string[]>;
  /** The rows of public.alembic_version, or undefined when there is no such table. */
  alembicRevisions(): Promise<string[] | undefined>;
  /** The live schema, one line per object, sorted in C collation (see catalog-listing.ts). */
  catalog(): Promise<string[]>;
  /** Another value whenever catalog() would list otherwise (and now and then when it would not), for a fraction of its cost. */
  catalogFingerprint(): Promise<string>;
  /** catalog() and catalogFingerprint() of one and the same state. */
  fingerprintedCatalog(): Promise<{ lines: string[]; fingerprint: string }>;
  /** Sets comments as catalog lines give them (`comment column public.t.c: text`), in one transaction. */
  setComments(lines: readonly string[]): Promise<void>;
  /**
   * What the catalog folds onto one line, whole: each function's and procedure's definition (pg_get_functiondef)
   * and each view's query, by the catalog line's object (`function public.f(a integer)`, `view public.v`).
   */
  definitions(): Promise<Record<string, string>>;
  /** Which of these tables (`schema.table`, as catalog lines name them) hold at least one row. */
  tablesWithRows(tables: readonly string[]): Promise<string[]>;
}

/** What sizing an index build reads and sets on this session. */
export interface IndexBuildPort {
  /** `column` of `table` (`schema.table`), as the next index build will see them */
  indexBuildFacts(table: string, column: string | undefined): Promise<IndexBuildFacts>;
  /** Sets maintenance_work_mem and max_parallel_maintenance_workers for this session; undefined resets both. */
  setBuildSettings(settings: BuildSettings | undefined): Promise<void>;
  /** Calls `listener` with each notice the server sends this session (pgvector's build notices); returns the unsubscribe. */
  onNotice(listener: (notice: ServerNotice) => void): () => void;
}

/** The server around the database: its extensions and its other databases. */
export interface ServerPort {
  /** Where each named extension stands, and who asks (current_user) in which database. */
  extensions(names: readonly string[]): Promise<{ statuses: ExtensionStatus[]; role: string; database: string }>;
  /** Creates another database on this server; `exists` when it already does. DatabaseUnavailable when the role may not. */
  createDatabase(name: string): Promise<'created' | 'exists'>;
  /** Drops another database of this server (a scratch one this runner made), closing its sessions. */
  dropDatabase(name: string): Promise<void>;
}

/** Declared backfills (apply/backfill.ts), each batch one autocommitted statement. */
export interface BackfillPort {
  /** How many rows the backfill's `pending` matches. */
  pendingRows(backfill: Backfill): Promise<number>;
  /** Fills up to `limit` pending rows with keys after `after` (all keys when undefined), in key order. */
  backfillBatch(backfill: Backfill, after: string | undefined, limit: number): Promise<BackfillBatch>;
  /** The table's toast_tuple_target storage parameter, in bytes; undefined when it has the default. */
  toastTupleTarget(table: string): Promise<number | undefined>;
  /** Sets it (undefined resets it): a row version wider than this moves its widest values to TOAST. */
  setToastTupleTarget(table: string, bytes: number | undefined): Promise<void>;
}

/** The replicas streaming from this primary, for the lag bound (apply/replica-throttle.ts). */
export interface ReplicationPort {
  /** Physical replicas only: a logical subscriber or a base backup in progress is not one. */
  replication(): Promise<ReplicationReading>;
}

/** The connection itself, and what the migrations run on. */
export interface ConnectionPort {
  /** the server process of this connection */
  readonly pid: number;
  /** the server is a standby in recovery (pg_is_in_recovery() when the connection opened): read-only */
  readonly standby: boolean;
  /** the pid announced when the connection opened: `pid`, unless a pooler answered with one of its own */
  readonly announcedPid: number;
  /** Reads pg_backend_pid() around a transaction of a second, short session, to tell how a pooler hands out servers. */
  probePooling(): Promise<PoolingProbe>;
  /** Off: commits do not wait for the disk; back on, it flushes what was committed so far. */
  setSynchronousCommit(on: boolean): Promise<void>;
  /** Ends a transaction a failed migration may have left open. */
  rollback(): Promise<void>;
  /** Cancels the statement this connection is running, from a second short connection. */
  cancelRunningStatement(): Promise<void>;
  progressWatcher(): ProgressWatcher;
  /** Whether the connection broke. */
  connectionLost(): boolean;
  /**
   * For node-pg-migrate's runner only: sends its statements on this connection, each first
   * shown to `beforeEach`, which may refuse it by throwing (a stop signal has arrived) and
   * may prepare the session for it (an index build's memory).
   */
  executor(beforeEach: (sql: string) => void | Promise<void>): Executor;
  close(): Promise<void>;
}

/**
 * The whole port, one implementation per database (postgres-database.ts, memory-database.ts):
 * a session holds it, and each module takes only the roles it uses.
 */
export interface Database
  extends LedgerPort,
    LockPort,
    CatalogPort,
    IndexBuildPort,
    ServerPort,
    BackfillPort,
    ReplicationPort,
    ConnectionPort {}
