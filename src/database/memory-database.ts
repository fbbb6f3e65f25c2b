// The database port in memory, for in-process tests of every decision (up,
// down, stamp, verify, adoption, drift) in milliseconds. A MemoryServer is one
// database; each connect() is one session on it, so two runners can contend for
// the lock. The shared contract suite holds it to the PostgreSQL behaviour.

import { createHash } from 'node:crypto';
import type { Backfill } from '../chain/backfill-declaration.ts';
import { DatabaseUnavailable } from '../errors.ts';
import { parseCommentLine } from './catalog-listing.ts';
import type {
  AppliedMigration,
  BackfillBatch,
  Blocker,
  BuildSettings,
  ChecksumEntry,
  Database,
  Executor,
  ExtensionStatus,
  IndexBuildFacts,
  Ledger,
  LockHolder,
  PoolingProbe,
  ProgressWatcher,
  ReplicationReading,
  VectorColumn,
} from './port.ts';

interface LedgerRow {
  id: number;
  name: string;
  runOn: Date;
}

interface MemoryIndex {
  table: string;
  column: string;
  valid: boolean;
}

/** A streaming replica of the in-memory primary, moved by the test: its replay position, or hidden from our role. */
export interface MemoryReplica {
  name: string;
  replayed: number;
  replayLagMs?: number;
  /** as pg_stat_replication shows it to a role without pg_monitor */
  hidden?: boolean;
}

const byC = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const qualified = (name: string) => (name.includes('.') ? name : `public.${name}`);
const VECTOR_TYPE = /^(vector|halfvec)\((\d+)\)$/;

type Row = Record<string, unknown>;

// The twin runs no SQL; of a backfill it understands what copies between columns
// take: SET `a = b` or `a = b::type`, pending as ORs of ANDs of `c IS [NOT] NULL`.
const unsupported = (sql: string) =>
  new Error(
    `the in-memory database runs no SQL; it cannot evaluate "${sql}" (only column copies and IS [NOT] NULL tests)`,
  );

function assignments(set: string): [string, string][] {
  return set.split(/,(?![^(]*\))/).map((part) => {
    const match = /^\s*(\w+)\s*=\s*(\w+)(?:::[\w ()]+)?\s*$/.exec(part);
    if (!match) throw unsupported(part);
    return [match[1]!, match[2]!];
  });
}

function condition(pending: string): (row: Row) => boolean {
  const anyOf = pending.split(/\bor\b/i).map((alternative) =>
    alternative.split(/\band\b/i).map((test) => {
      const match = /^[\s(]*(\w+)\s+is\s+(not\s+)?null[\s)]*$/i.exec(test);
      if (!match) throw unsupported(test);
      const [, column, not] = match;
      return (row: Row) => (row[column!] == null) !== Boolean(not);
    }),
  );
  return (row) => anyOf.some((all) => all.every((test) => test(row)));
}

export class MemoryServer {
  /** ledger tables by `schema.table`; absent until created */
  private readonly ledgers = new Map<string, { rows: LedgerRow[]; checksums?: Map<string, string> }>();
  /** ledger -> expected -> catalog fingerprint (recordSchemaCheck) */
  readonly schemaChecks = new Map<string, Map<string, string>>();
  private readonly extensions = new Map<string, string>([['plpgsql', 'pg_catalog']]);
  /** `schema.table` -> column -> type, in column order */
  private readonly tables = new Map<string, Map<string, string>>();
  /** `schema.table` -> its rows, for backfills */
  private readonly rows = new Map<string, Row[]>();
  /** `schema.table` -> its toast_tuple_target, when set */
  readonly toastTupleTargets = new Map<string, number>();
  /** `schema.index` */
  private readonly indexes = new Map<string, MemoryIndex>();
  private alembic: string[] | undefined;
  /** `table public.t` or `column public.t.c` -> comment text */
  private readonly comments = new Map<string, string>();
  /** the other databases of this server, and whether our role may create more */
  readonly databases = new Set<string>();
  mayCreateDatabases = true;
  /** the extensions the server offers, and whether our role may create them */
  readonly availableExtensions = new Set(['plpgsql', 'vector', 'pgcrypto', 'pg_trgm']);
  mayCreateExtensions = true;
  /** a standby in recovery: sessions opened from now on see it so */
  standby = false;
  /** the replicas streaming from it */
  readonly replicas: MemoryReplica[] = [];
  /** how far the WAL is written, in bytes: each write adds some */
  walWritten = 0;
  private readonly tableLocks = new Map<number, Blocker>();
  /** advisory locks: ledger name -> holder pid and how many times it took it */
  readonly locks = new Map<string, { pid: number; count: number; since: Date }>();
  private nextPid = 100;
  private nextId = 1;
  private clock = Date.UTC(2026, 0, 1);

  connect(options: { schema?: string; table?: string } = {}): MemoryDatabase {
    return new MemoryDatabase(this, this.nextPid++, options.schema ?? 'public', options.table ?? 'pgmigrations');
  }

  // --- arranging a state, as a test or a migration would with SQL ---

  createExtension(name: string, schema = 'public'): void {
    this.extensions.set(name, schema);
  }

  createTable(name: string, columns: Record<string, string>): void {
    this.tables.set(qualified(name), new Map(Object.entries(columns)));
  }

  dropTable(name: string): void {
    this.tables.delete(qualified(name));
    this.rows.delete(qualified(name));
  }

  insertRows(table: string, rows: Row[]): void {
    const existing = this.rows.get(qualified(table)) ?? [];
    this.rows.set(qualified(table), [...existing, ...rows.map((row) => ({ ...row }))]);
  }

  /** The table's rows, copies, in insertion order. */
  tableRows(table: string): Row[] {
    return (this.rows.get(qualified(table)) ?? []).map((row) => ({ ...row }));
  }

  createIndex(table: string, name: string, column: string, options: { valid?: boolean } = {}): void {
    const schema = qualified(table).split('.')[0]!;
    this.indexes.set(`${schema}.${name}`, { table: qualified(table), column, valid: options.valid ?? true });
  }

  setComment(target: string, text: string): void {
    this.comments.set(target, text);
  }

  setAlembicRevisions(revisions: string[]): void {
    this.alembic = revisions;
    this.createTable('public.alembic_version', { version_num: 'character varying(32)' });
  }

  /** What node-pg-migrate does when it applies (`append`) or reverts (`remove`) a migration: the row, no checksum. */
  appendLedgerRow(ledger: string, name: string): void {
    const entry = this.ledgers.get(ledger) ?? { rows: [] };
    this.ledgers.set(ledger, entry);
    entry.rows.push({ id: this.nextId++, name, runOn: this.now() });
  }

  removeLedgerRow(ledger: string, name: string): void {
    const entry = this.ledgers.get(ledger);
    if (entry) entry.rows = entry.rows.filter((row) => row.name !== name);
  }

  /** Another session holding locks on tables in an open transaction. */
  holdTableLocks(relations: string[]): () => void {
    const pid = this.nextPid++;
    this.tableLocks.set(pid, {
      pid,
      application_name: 'other',
      state: 'idle in transaction',
      since: this.now(),
      relations: relations.join(', '),
    });
    return () => this.tableLocks.delete(pid);
  }

  // --- read by MemoryDatabase ---

  /** @internal */ ledger(name: string, create = false) {
    if (create && !this.ledgers.has(name)) this.ledgers.set(name, { rows: [] });
    const entry = this.ledgers.get(name);
    if (entry && create) entry.checksums ??= new Map();
    return entry;
  }

  /** @internal */ liveRows(table: string): Row[] {
    return this.rows.get(qualified(table)) ?? [];
  }

  /** @internal */ logWrite(bytes: number): void {
    this.walWritten += bytes;
  }

  /** @internal */ now(): Date {
    this.clock += 1000;
    return new Date(this.clock);
  }

  /** @internal */ snapshot() {
    return {
      extensions: this.extensions,
      tables: this.tables,
      rows: this.rows,
      indexes: this.indexes,
      alembic: this.alembic,
      comments: this.comments,
      tableLocks: [...this.tableLocks.values()],
    };
  }
}

export class MemoryDatabase implements Database {
  readonly ledgerName: string;
  readonly announcedPid: number;
  readonly standby: boolean;
  /** the last value set, for tests */
  synchronousCommit = true;
  /** PostgreSQL's default maintenance_work_mem (64MB), until setBuildSettings */
  private buildSettings: BuildSettings = { maintenanceWorkMemKb: 65_536, parallelWorkers: 2 };
  private closed = false;

  constructor(
    private readonly server: MemoryServer,
    readonly pid: number,
    schema: string,
    table: string,
  ) {
    this.announcedPid = pid;
    this.standby = server.standby;
    this.ledgerName = `${schema}.${table}`;
  }

  executor(): Executor {
    return {
      query: () => Promise.reject(new Error('the in-memory database runs no SQL; give the session a migrator')),
    };
  }

  async readLedger(): Promise<Ledger> {
    const entry = this.server.ledger(this.ledgerName);
    if (!entry) return { exists: false, applied: [] };
    const applied: AppliedMigration[] = entry.rows
      .toSorted((a, b) => a.runOn.valueOf() - b.runOn.valueOf() || a.id - b.id)
      .map((row) => ({ name: row.name, runOn: row.runOn, checksum: entry.checksums?.get(row.name) ?? null }));
    return { exists: true, applied };
  }

  async stamp(entries: readonly ChecksumEntry[]): Promise<void> {
    const entry = this.server.ledger(this.ledgerName, true)!;
    this.server.logWrite(entries.length * 100);
    const runOn = this.server.now(); // now() is one value per transaction
    for (const { name, checksum } of entries) {
      entry.rows.push({ id: entry.rows.reduce((max, row) => Math.max(max, row.id), 0) + 1, name, runOn });
      entry.checksums!.set(name, checksum);
    }
  }

  async recordChecksums(entries: readonly ChecksumEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const entry = this.server.ledger(this.ledgerName, true)!;
    for (const { name, checksum } of entries) entry.checksums!.set(name, checksum);
  }

  async forgetReverted(): Promise<void> {
    const entry = this.server.ledger(this.ledgerName);
    if (!entry?.checksums) return;
    const applied = new Set(entry.rows.map((row) => row.name));
    for (const name of entry.checksums.keys()) if (!applied.has(name)) entry.checksums.delete(name);
  }

  async checkedFingerprint(expected: string): Promise<string | undefined> {
    return this.server.schemaChecks.get(this.ledgerName)?.get(expected);
  }

  async recordSchemaCheck(expected: string, fingerprint: string): Promise<void> {
    const checks = this.server.schemaChecks.get(this.ledgerName) ?? new Map<string, string>();
    this.server.schemaChecks.set(this.ledgerName, checks.set(expected, fingerprint));
  }

  async tryLock(): Promise<boolean> {
    const held = this.server.locks.get(this.ledgerName);
    if (held && held.pid !== this.pid) return false;
    this.server.locks.set(this.ledgerName, {
      pid: this.pid,
      count: (held?.count ?? 0) + 1,
      since: held?.since ?? this.server.now(),
    });
    return true;
  }

  async unlock(): Promise<void> {
    const held = this.server.locks.get(this.ledgerName);
    if (!held || held.pid !== this.pid) return;
    if (held.count > 1) held.count--;
    else this.server.locks.delete(this.ledgerName);
  }

  async lockHolder(): Promise<LockHolder | undefined> {
    const held = this.server.locks.get(this.ledgerName);
    return held && { pid: held.pid, application_name: 'mnemolite-migrate', client_addr: null, since: held.since };
  }

  async blockers(): Promise<Blocker[]> {
    return this.server.snapshot().tableLocks.filter((blocker) => blocker.pid !== this.pid);
  }

  async vectorColumns(): Promise<VectorColumn[]> {
    return [...this.server.snapshot().tables]
      .flatMap(([table, columns]) =>
        [...columns].flatMap(([column, type]) => {
          const match = VECTOR_TYPE.exec(type);
          return match ? [{ column: `${table}.${column}`, dimensions: Number(match[2]) }] : [];
        }),
      )
      .sort((a, b) => byC(a.column, b.column));
  }

  async indexBuildFacts(table: string, column: string | undefined): Promise<IndexBuildFacts> {
    const { tables, rows } = this.server.snapshot();
    const match = column === undefined ? null : VECTOR_TYPE.exec(tables.get(table)?.get(column) ?? '');
    return {
      rows: rows.get(table)?.length ?? 0,
      column: match ? { type: match[1]!, dimensions: Number(match[2]) } : undefined,
      maintenanceWorkMemKb: this.buildSettings.maintenanceWorkMemKb,
    };
  }

  async setBuildSettings(settings: BuildSettings | undefined): Promise<void> {
    this.buildSettings = settings ?? { maintenanceWorkMemKb: 65_536, parallelWorkers: 2 };
  }

  /** No statement runs here, so no server ever speaks. */
  onNotice(): () => void {
    return () => undefined;
  }

  async invalidIndexes(): Promise<string[]> {
    return [...this.server.snapshot().indexes]
      .filter(([, index]) => !index.valid)
      .map(([name]) => (name.startsWith('public.') ? name.slice('public.'.length) : name)) // regclass prints names on the search_path bare
      .sort(byC);
  }

  async alembicRevisions(): Promise<string[] | undefined> {
    return this.server.snapshot().alembic?.toSorted(byC);
  }

  async extensions(names: readonly string[]): Promise<{ statuses: ExtensionStatus[]; role: string; database: string }> {
    const { extensions } = this.server.snapshot();
    const statuses = names.map((name) => ({
      name,
      installed: extensions.has(name),
      available: this.server.availableExtensions.has(name),
      creatable: this.server.mayCreateExtensions,
    }));
    return { statuses, role: 'memory', database: 'memory' };
  }

  async createDatabase(name: string): Promise<'created' | 'exists'> {
    if (this.server.databases.has(name)) return 'exists';
    if (!this.server.mayCreateDatabases)
      throw new DatabaseUnavailable(`database ${name} does not exist, and role memory may not create databases`);
    this.server.databases.add(name);
    return 'created';
  }

  async dropDatabase(name: string): Promise<void> {
    this.server.databases.delete(name);
  }

  async catalog(): Promise<string[]> {
    const { extensions, indexes, comments } = this.server.snapshot();
    const tables = [...this.server.snapshot().tables].filter(([name]) => name !== 'public.alembic_version');
    const schemas = new Set(['public', ...tables.map(([name]) => name.split('.')[0]!)]);
    // with an empty search_path, types from an extension print qualified by its schema
    const typeName = (type: string) => {
      const schema = VECTOR_TYPE.test(type) ? extensions.get('vector') : undefined;
      return schema ? `${schema}.${type}` : type;
    };
    const lines = [
      ...[...extensions].map(([name, schema]) => `extension ${name} schema=${schema}`),
      ...[...schemas].map((schema) => `schema ${schema}`),
      ...tables.flatMap(([table, columns]) => [
        `table ${table}`,
        ...[...columns].map(([column, type]) => `column ${table}.${column} ${typeName(type)} null`),
        `column-order ${table}: ${[...columns.keys()].join(',')}`,
      ]),
      ...[...indexes].map(([name, index]) => {
        const bare = name.split('.')[1]!;
        return `index ${index.table}.${bare}: CREATE INDEX ${bare} ON ${index.table} USING btree (${index.column})${index.valid ? '' : ' [INVALID]'}`;
      }),
      ...[...comments].map(([target, text]) => `comment ${target}: ${text}`),
    ];
    return lines.sort(byC);
  }

  /** Of the listing itself: here nothing but the listing can tell one state from another. */
  async catalogFingerprint(): Promise<string> {
    return createHash('sha256')
      .update((await this.catalog()).join('\n'))
      .digest('hex');
  }

  async fingerprintedCatalog(): Promise<{ lines: string[]; fingerprint: string }> {
    return { lines: await this.catalog(), fingerprint: await this.catalogFingerprint() };
  }

  async setComments(lines: readonly string[]): Promise<void> {
    const parsed = lines.map(parseCommentLine); // all or nothing, as in one transaction
    for (const { kind, target, text } of parsed) this.server.setComment(`${kind} ${target}`, text);
  }

  async definitions(): Promise<Record<string, string>> {
    return {}; // the twin keeps no functions or views
  }

  async tablesWithRows(tables: readonly string[]): Promise<string[]> {
    return tables.filter((table) => this.server.liveRows(table).length > 0);
  }

  async pendingRows(backfill: Backfill): Promise<number> {
    const pending = condition(backfill.pending);
    return this.server.liveRows(backfill.table).filter(pending).length;
  }

  async backfillBatch(backfill: Backfill, after: string | undefined, limit: number): Promise<BackfillBatch> {
    const pending = condition(backfill.pending);
    const copies = assignments(backfill.set);
    const key = (row: Row) => row[backfill.key] as number | string;
    const picked = this.server
      .liveRows(backfill.table)
      .filter(
        (row) =>
          (after === undefined || key(row) > (typeof key(row) === 'number' ? Number(after) : after)) && pending(row),
      )
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
      .slice(0, limit);
    for (const row of picked) for (const [target, source] of copies) row[target] = row[source];
    this.server.logWrite(picked.length * 100);
    return { filled: picked.length, last: picked.length ? String(key(picked.at(-1)!)) : undefined };
  }

  async toastTupleTarget(table: string): Promise<number | undefined> {
    return this.server.toastTupleTargets.get(qualified(table));
  }

  async setToastTupleTarget(table: string, bytes: number | undefined): Promise<void> {
    if (bytes === undefined) this.server.toastTupleTargets.delete(qualified(table));
    else this.server.toastTupleTargets.set(qualified(table), bytes);
  }

  async replication(): Promise<ReplicationReading> {
    const { replicas } = this.server;
    return {
      atMs: this.server.now().valueOf(),
      written: this.server.walWritten,
      role: 'memory',
      hidden: replicas.filter((replica) => replica.hidden).length,
      replicas: replicas
        .filter((replica) => !replica.hidden)
        .map(({ name, replayed, replayLagMs }) => ({ name, replayed, replayLagMs })),
    };
  }

  /** Every session owns its server: the other session of the probe is a new one. */
  async probePooling(): Promise<PoolingProbe> {
    return { before: this.pid, other: this.server.connect().pid, after: this.pid };
  }

  async setSynchronousCommit(on: boolean): Promise<void> {
    this.synchronousCommit = on;
  }

  async rollback(): Promise<void> {}

  async cancelRunningStatement(): Promise<void> {}

  progressWatcher(): ProgressWatcher {
    return { sample: async () => undefined, close: async () => undefined };
  }

  connectionLost(): boolean {
    return this.closed;
  }

  /** Like a session ending: its advisory lock goes with it. */
  async close(): Promise<void> {
    this.closed = true;
    const held = this.server.locks.get(this.ledgerName);
    if (held?.pid === this.pid) this.server.locks.delete(this.ledgerName);
  }
}
