// The database port on PostgreSQL: the only module that sends SQL. Ledger tables
// are node-pg-migrate's (id, name, run_on) plus our checksums beside them.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Backfill } from '../chain/backfill-declaration.ts';
import { DatabaseUnavailable } from '../errors.ts';
import { backfillBatchSql, pendingRowsSql } from './backfill-sql.ts';
import { CATALOG_FINGERPRINT, fingerprintOf } from './catalog-fingerprint.ts';
import { CATALOG_LISTING, DEFINITIONS, parseCommentLine } from './catalog-listing.ts';
import type { OpenConnection } from './connect.ts';
import {
  createSchemaChecksSql,
  type LedgerTables,
  ledgerSql,
  ledgerTables,
  lockHolderSql,
  schemaChecksSql,
} from './ledger-sql.ts';
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
  ProgressSample,
  ProgressWatcher,
  ReplicationReading,
  ServerNotice,
  VectorColumn,
} from './port.ts';

export interface PostgresOptions {
  /** to open the short-lived second connections (cancel, progress) */
  clientConfig: pg.ClientConfig;
  schema: string;
  table: string;
  /** where a failure of a best-effort side connection is told */
  debug(message: string): void;
}

const UNDEFINED_TABLE = '42P01';
const PROTOCOL_VIOLATION = '08P01';

/** How long our query may wait for a server while the probe's second session holds one; milliseconds elsewhere. */
const PROBE_WAIT_MS = 1000;

/** "schema.table" as parse-statements.ts names relations */
function splitName(table: string): [string, string] {
  const dot = table.indexOf('.');
  return [table.slice(0, dot), table.slice(dot + 1)];
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

function quoteName(table: string): string {
  return splitName(table).map(quoteIdent).join('.');
}

export class PostgresDatabase implements Database {
  readonly ledgerName: string;
  readonly pid: number;
  readonly announcedPid: number;
  readonly standby: boolean;
  private readonly client: pg.Client;
  private readonly tables: LedgerTables;
  private readonly key: string;

  constructor(
    private readonly connection: OpenConnection,
    private readonly options: PostgresOptions,
  ) {
    const { schema, table } = options;
    this.client = connection.client;
    this.pid = connection.pid;
    this.announcedPid = connection.announcedPid;
    this.standby = connection.standby;
    this.ledgerName = `${schema}.${table}`;
    this.tables = ledgerTables(schema, table);
    this.key = this.tables.lockKey.toString();
  }

  /** One query in the common case; falls back when either table is missing. */
  executor(beforeEach: (sql: string) => void | Promise<void>): Executor {
    return {
      query: async (text, values) => {
        await beforeEach(typeof text === 'string' ? text : text.text);
        return this.client.query(text as pg.QueryConfig, values);
      },
    };
  }

  async indexBuildFacts(table: string, column: string | undefined): Promise<IndexBuildFacts> {
    const [schema, name] = splitName(table);
    const { rows } = await this.client.query<{
      reltuples: number | null;
      type: string | null;
      dimensions: number | null;
      kb: string;
    }>(
      `select c.reltuples::float8 as reltuples, t.typname as type, nullif(a.atttypmod, -1) as dimensions,
              (select setting from pg_settings where name = 'maintenance_work_mem') as kb
         from (select 1) one
         left join pg_class c on c.oid = to_regclass(format('%I.%I', $1::text, $2::text))
         left join pg_attribute a on a.attrelid = c.oid and a.attname = $3 and not a.attisdropped
         left join pg_type t on t.oid = a.atttypid`,
      [schema, name, column ?? null],
    );
    const row = rows[0]!;
    let count = row.reltuples ?? 0;
    // -1: never vacuumed or analysed; the build reads the whole table anyway
    if (count < 0)
      count = Number(
        (await this.client.query<{ n: string }>(`select count(*) as n from ${quoteName(table)}`)).rows[0]!.n,
      );
    return {
      rows: count,
      column: row.type && row.dimensions ? { type: row.type, dimensions: row.dimensions } : undefined,
      maintenanceWorkMemKb: Number(row.kb),
    };
  }

  async setBuildSettings(settings: BuildSettings | undefined): Promise<void> {
    await this.client.query(
      settings
        ? `set maintenance_work_mem = '${settings.maintenanceWorkMemKb}kB'; set max_parallel_maintenance_workers = ${settings.parallelWorkers}`
        : 'reset maintenance_work_mem; reset max_parallel_maintenance_workers',
    );
  }

  onNotice(listener: (notice: ServerNotice) => void): () => void {
    const forward = (notice: { message?: string; detail?: string; hint?: string }) =>
      listener({
        message: notice.message ?? '',
        ...(notice.detail && { detail: notice.detail }),
        ...(notice.hint && { hint: notice.hint }),
      });
    this.client.on('notice', forward);
    return () => this.client.off('notice', forward);
  }

  async readLedger(): Promise<Ledger> {
    for (const withChecksums of [true, false]) {
      try {
        return { exists: true, applied: await this.selectLedger(withChecksums) };
      } catch (error) {
        if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error;
      }
    }
    return { exists: false, applied: [] };
  }

  private async selectLedger(withChecksums: boolean): Promise<AppliedMigration[]> {
    const { rows } = await this.client.query<{ name: string; run_on: Date; checksum: string | null }>(
      ledgerSql(this.tables, withChecksums),
    );
    return rows.map((row) => ({ name: row.name, runOn: row.run_on, checksum: row.checksum?.trim() ?? null }));
  }

  /** Same DDL as node-pg-migrate, so either tool can take over from the other; our tables beside it. */
  private async ensureLedger(): Promise<void> {
    await this.client.query(
      `create table if not exists ${this.tables.migrations} (id serial primary key, name varchar(255) not null, run_on timestamp not null);
       create table if not exists ${this.tables.checksums} (name varchar(255) primary key, checksum char(64) not null, recorded_at timestamptz not null default now());
       ${createSchemaChecksSql(this.tables)}`,
    );
  }

  private async upsertChecksums(entries: readonly ChecksumEntry[]): Promise<void> {
    await this.client.query(
      `insert into ${this.tables.checksums} (name, checksum)
       select * from unnest($1::text[], $2::text[])
       on conflict (name) do update set checksum = excluded.checksum, recorded_at = now()`,
      [entries.map((e) => e.name), entries.map((e) => e.checksum)],
    );
  }

  async recordChecksums(entries: readonly ChecksumEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.ensureLedger();
    await this.upsertChecksums(entries);
  }

  async stamp(entries: readonly ChecksumEntry[]): Promise<void> {
    await this.ensureLedger();
    await this.client.query('begin');
    try {
      await this.client.query(
        `insert into ${this.tables.migrations} (name, run_on) select name, now() from unnest($1::text[]) with ordinality as t(name, n) order by n`,
        [entries.map((e) => e.name)],
      );
      await this.upsertChecksums(entries);
      await this.client.query('commit');
    } catch (error) {
      await this.client.query('rollback');
      throw error;
    }
  }

  async forgetReverted(): Promise<void> {
    await this.client.query(
      `delete from ${this.tables.checksums} c where not exists (select 1 from ${this.tables.migrations} m where m.name = c.name)`,
    );
  }

  async checkedFingerprint(expected: string): Promise<string | undefined> {
    try {
      const { rows } = await this.client.query<{ fingerprint: string }>(
        `${schemaChecksSql(this.tables)} where expected = $1`,
        [expected],
      );
      return rows[0]?.fingerprint;
    } catch (error) {
      if ((error as { code?: string }).code === UNDEFINED_TABLE) return undefined;
      throw error;
    }
  }

  async recordSchemaCheck(expected: string, fingerprint: string): Promise<void> {
    await this.client.query(createSchemaChecksSql(this.tables));
    await this.client.query(
      `insert into ${this.tables.schemaChecks} (expected, fingerprint) values ($1, $2)
       on conflict (expected) do update set fingerprint = excluded.fingerprint, checked_at = now()`,
      [expected, fingerprint],
    );
  }

  async tryLock(): Promise<boolean> {
    const { rows } = await this.client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [
      this.key,
    ]);
    return rows[0]!.locked;
  }

  async unlock(): Promise<void> {
    await this.client.query('select pg_advisory_unlock($1)', [this.key]);
  }

  async lockHolder(): Promise<LockHolder | undefined> {
    const { rows } = await this.client.query<LockHolder>(lockHolderSql(this.tables.lockKey));
    return rows[0];
  }

  async blockers(): Promise<Blocker[]> {
    const { rows } = await this.client.query<Blocker>(
      `select a.pid, a.application_name, a.state, a.xact_start as since,
              string_agg(distinct l.relation::regclass::text, ', ') as relations
         from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'relation' and l.granted and a.pid <> pg_backend_pid()
          and l.database = (select oid from pg_database where datname = current_database())
          and l.relation not in (select oid from pg_class where relnamespace = 'pg_catalog'::regnamespace)
        group by 1, 2, 3, 4 order by a.xact_start nulls last`,
    );
    return rows;
  }

  async vectorColumns(): Promise<VectorColumn[]> {
    const { rows } = await this.client.query<VectorColumn>(
      `select format('%I.%I.%I', n.nspname, c.relname, a.attname) as column, a.atttypmod as dimensions
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
         join pg_type t on t.oid = a.atttypid
        where t.typname in ('vector', 'halfvec') and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
          and a.atttypmod > 0 and n.nspname not in ('pg_catalog', 'information_schema')
        order by 1`,
    );
    return rows;
  }

  async invalidIndexes(): Promise<string[]> {
    const { rows } = await this.client.query<{ name: string }>(
      `select i.indexrelid::regclass::text as name from pg_index i join pg_class c on c.oid = i.indexrelid
        where not i.indisvalid and c.relnamespace not in ('pg_catalog'::regnamespace, 'pg_toast'::regnamespace) order by 1`,
    );
    return rows.map((row) => row.name);
  }

  async alembicRevisions(): Promise<string[] | undefined> {
    const { rows } = await this.client.query<{ present: boolean }>(
      `select to_regclass('public.alembic_version') is not null as present`,
    );
    if (!rows[0]!.present) return undefined;
    const versions = await this.client.query<{ version_num: string }>(
      'select version_num from public.alembic_version order by 1',
    );
    return versions.rows.map((row) => row.version_num);
  }

  async setComments(lines: readonly string[]): Promise<void> {
    await this.client.query('begin');
    try {
      for (const line of lines) {
        const { kind, target, text } = parseCommentLine(line);
        await this.client.query(`comment on ${kind} ${target} is ${this.client.escapeLiteral(text)}`);
      }
      await this.client.query('commit');
    } catch (error) {
      await this.client.query('rollback');
      throw error;
    }
  }

  // trusted: a database owner (CREATE on it) may create the extension, as pg_trgm and pgcrypto since PostgreSQL 13
  async extensions(names: readonly string[]): Promise<{ statuses: ExtensionStatus[]; role: string; database: string }> {
    const { rows } = await this.client.query<ExtensionStatus & { role: string; database: string }>(
      `select n.name, e.oid is not null as installed, a.name is not null as available,
              coalesce(r.rolsuper or (v.trusted and has_database_privilege(current_database(), 'CREATE')), false) as creatable,
              current_user as role, current_database() as database
         from unnest($1::text[]) with ordinality as n(name, i)
         left join pg_extension e on e.extname = n.name
         left join pg_available_extensions a on a.name = n.name
         left join pg_available_extension_versions v on v.name = a.name and v.version = a.default_version
         left join pg_roles r on r.rolname = current_user
        order by n.i`,
      [names],
    );
    const { role, database } = rows[0] ?? { role: '', database: '' };
    return {
      statuses: rows.map(({ name, installed, available, creatable }) => ({ name, installed, available, creatable })),
      role,
      database,
    };
  }

  async createDatabase(name: string): Promise<'created' | 'exists'> {
    try {
      await this.client.query(`create database ${quoteIdent(name)}`);
      return 'created';
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '42P04') return 'exists'; // another runner created it first
      if (code !== '42501') throw error;
      const { rows } = await this.client.query<{ role: string }>('select current_user as role');
      throw new DatabaseUnavailable(
        `database ${name} does not exist, and role ${rows[0]!.role} may not create databases`,
        [`an administrator can create it: CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(rows[0]!.role)};`],
      );
    }
  }

  async dropDatabase(name: string): Promise<void> {
    await this.client.query(`drop database if exists ${quoteIdent(name)} with (force)`);
  }

  async catalog(): Promise<string[]> {
    return (await this.listCatalog(false)).lines;
  }

  async catalogFingerprint(): Promise<string> {
    const { rows } = await this.client.query<{ catalog: string }>(CATALOG_FINGERPRINT);
    return fingerprintOf(rows[0]!.catalog);
  }

  async fingerprintedCatalog(): Promise<{ lines: string[]; fingerprint: string }> {
    const { lines, fingerprint } = await this.listCatalog(true);
    return { lines, fingerprint: fingerprint! };
  }

  // Repeatable read: the fingerprint is of the state listed, whatever commits in between.
  private async listCatalog(withFingerprint: boolean): Promise<{ lines: string[]; fingerprint?: string }> {
    await this.client.query('begin isolation level repeatable read read only');
    try {
      await this.client.query(`select pg_catalog.set_config('search_path', '', true)`);
      const { rows } = await this.client.query<{ line: string }>(CATALOG_LISTING, [
        this.options.schema,
        this.options.table,
      ]);
      const lines = rows.map((row) => row.line);
      return withFingerprint ? { lines, fingerprint: await this.catalogFingerprint() } : { lines };
    } finally {
      await this.client.query('commit');
    }
  }

  async definitions(): Promise<Record<string, string>> {
    await this.client.query('begin read only');
    try {
      // the catalog listing's own names: schema-qualified with an empty search_path
      await this.client.query(`select pg_catalog.set_config('search_path', '', true)`);
      const { rows } = await this.client.query<{ object: string; definition: string }>(DEFINITIONS);
      return Object.fromEntries(rows.map((row) => [row.object, row.definition]));
    } finally {
      await this.client.query('commit');
    }
  }

  async tablesWithRows(tables: readonly string[]): Promise<string[]> {
    if (tables.length === 0) return [];
    // the names come from the catalog listing, quoted where needed
    const { rows } = await this.client.query<{ name: string }>(
      tables
        .map((table, i) => `select $${i + 1}::text as name where exists (select 1 from ${table})`)
        .join(' union all '),
      [...tables],
    );
    return rows.map((row) => row.name);
  }

  async pendingRows(backfill: Backfill): Promise<number> {
    const { rows } = await this.client.query<{ n: number }>(pendingRowsSql(backfill));
    return rows[0]!.n;
  }

  async backfillBatch(backfill: Backfill, after: string | undefined, limit: number): Promise<BackfillBatch> {
    const { rows } = await this.client.query<{ filled: number; last: string | null }>(
      backfillBatchSql(backfill, after === undefined),
      after === undefined ? [limit] : [limit, after],
    );
    return { filled: rows[0]!.filled, last: rows[0]!.last ?? undefined };
  }

  async toastTupleTarget(table: string): Promise<number | undefined> {
    const { rows } = await this.client.query<{ bytes: number | null }>(
      `select (select option_value::int from pg_options_to_table(c.reloptions) where option_name = 'toast_tuple_target') as bytes
         from pg_class c where c.oid = $1::regclass`,
      [table],
    );
    return rows[0]?.bytes ?? undefined;
  }

  async setToastTupleTarget(table: string, bytes: number | undefined): Promise<void> {
    await this.client.query(
      bytes === undefined
        ? `alter table ${table} reset (toast_tuple_target)`
        : `alter table ${table} set (toast_tuple_target = ${Math.trunc(bytes)})`,
    );
  }

  // Without pg_monitor (pg_read_all_stats) a replica's row shows its pid alone: `state` null says so.
  // A logical subscriber holds a logical slot, and a base backup in progress is in state `backup`.
  async replication(): Promise<ReplicationReading> {
    const { rows } = await this.client.query<{
      at_ms: number;
      written: number;
      role: string;
      pid: number | null;
      name: string;
      state: string | null;
      replayed: number | null;
      replay_lag_ms: number | null;
    }>(
      `select extract(epoch from clock_timestamp())::float8 * 1000 as at_ms,
              pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 as written, current_user as role, r.pid,
              coalesce(r.application_name, '') || ' (' || coalesce(host(r.client_addr), 'local socket') || ')' as name, r.state,
              pg_wal_lsn_diff(r.replay_lsn, '0/0')::float8 as replayed,
              extract(epoch from r.replay_lag)::float8 * 1000 as replay_lag_ms
         from (select 1) one
         left join pg_stat_replication r on r.state is distinct from 'backup'
          and not exists (select 1 from pg_replication_slots s where s.active_pid = r.pid and s.slot_type = 'logical')`,
    );
    const { at_ms, written, role } = rows[0]!;
    const senders = rows.filter((row) => row.pid !== null);
    return {
      atMs: at_ms,
      written,
      role,
      hidden: senders.filter((row) => row.state === null).length,
      // one that has not reported a replay position yet (starting up) has nothing to be measured by
      replicas: senders.flatMap(({ name, replayed, replay_lag_ms }) =>
        replayed === null ? [] : [{ name, replayed, replayLagMs: replay_lag_ms ?? undefined }],
      ),
    };
  }

  async probePooling(): Promise<PoolingProbe> {
    const backendPid = async (client: pg.Client) =>
      (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const before = await backendPid(this.client);
    const other = this.sideConnection('pooling probe');
    try {
      await other.connect();
      try {
        await other.query('begin');
      } catch (error) {
        // PostgreSQL itself never refuses a transaction; PgBouncer does in statement mode
        if ((error as { code?: string }).code !== PROTOCOL_VIOLATION) throw error;
        return { before, other: undefined, after: undefined };
      }
      const held = await backendPid(other);
      // A pool with no idle server makes ours wait for the other's: that alone says we own none.
      const ours = backendPid(this.client);
      ours.catch(() => undefined); // still pending when the wait ends; its failure shows on our next query
      const after = await Promise.race([ours, sleep(PROBE_WAIT_MS).then(() => undefined)]);
      await other.query('commit');
      return { before, other: held, after };
    } finally {
      await other.end().catch(() => undefined);
    }
  }

  async setSynchronousCommit(on: boolean): Promise<void> {
    // an xid makes the last statement a real commit, which waits for the WAL up to here
    await this.client.query(
      on ? 'set synchronous_commit = on; select pg_current_xact_id()' : 'set synchronous_commit = off',
    );
  }

  async rollback(): Promise<void> {
    await this.client.query('rollback');
  }

  async cancelRunningStatement(): Promise<void> {
    const canceller = this.sideConnection('cancel');
    try {
      await canceller.connect();
      await canceller.query('select pg_cancel_backend($1)', [this.pid]);
    } catch (error) {
      this.options.debug(`could not cancel the running statement: ${(error as Error).message}`);
    } finally {
      await canceller.end().catch(() => undefined);
    }
  }

  progressWatcher(): ProgressWatcher {
    // one connection, opened by the first sample; a sample asked for while
    // another is still connecting or querying shares that one's answer
    let opening: Promise<pg.Client> | undefined;
    let sampling: Promise<ProgressSample | undefined> | undefined;
    const open = () => {
      const watcher = this.sideConnection('progress');
      watcher.on('error', () => (opening = undefined));
      return watcher.connect().then(() => watcher);
    };
    const sampleOnce = async () => {
      opening ??= open();
      const { rows } = await (await opening).query<ProgressSample>(
        `select extract(epoch from now() - a.query_start)::float8 as seconds,
                case when a.wait_event_type is not null then a.wait_event_type || ':' || a.wait_event end as wait_event,
                p.phase, p.index_relid::regclass::text as index, p.blocks_done, p.blocks_total, p.tuples_done, p.tuples_total
           from pg_stat_activity a left join pg_stat_progress_create_index p on p.pid = a.pid
          where a.pid = $1 and a.state = 'active'`,
        [this.pid],
      );
      return rows[0];
    };
    return {
      sample: () => (sampling ??= sampleOnce().finally(() => (sampling = undefined))),
      close: async () => {
        const pending = opening;
        opening = undefined;
        await (await pending?.catch(() => undefined))?.end().catch(() => undefined);
      },
    };
  }

  connectionLost(): boolean {
    return this.connection.lost();
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private sideConnection(purpose: string): pg.Client {
    const client = new pg.Client({
      ...this.options.clientConfig,
      application_name: `mnemolite-migrate (${purpose})`,
      connectionTimeoutMillis: 3000,
    });
    client.on('error', () => undefined);
    return client;
  }
}
