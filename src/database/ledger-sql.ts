// The statements that read the ledger, the lock holder and the schema checks, shared by the
// port (postgres-database.ts) and the quick look (head-state.ts), which sends them in one
// message: so they take no parameters, only quoted names and numbers made here.
import { createHash, hash } from 'node:crypto';

/** The ledger's schema: node-pg-migrate's default, which MnemoLite keeps. */
export const LEDGER_SCHEMA = 'public';

/** The ledger's tables, quoted (both names are validated identifiers: config.ts), and the key of its lock. */
export interface LedgerTables {
  migrations: string;
  checksums: string;
  /** the catalog fingerprints at which the schema was found as the migrations make it */
  schemaChecks: string;
  lockKey: bigint;
}

/** node-pg-migrate's own key, kept for its default table so plain node-pg-migrate runs still exclude ours. */
const NODE_PG_MIGRATE_LOCK_ID = 7241865325823964n;

export function ledgerTables(schema: string, table: string): LedgerTables {
  return {
    migrations: `"${schema}"."${table}"`,
    checksums: `"${schema}"."${table}_checksums"`,
    schemaChecks: `"${schema}"."${table}_schema_checks"`,
    // derived from the migrations table, so services sharing a database with different tables do not block each other
    lockKey:
      schema === 'public' && table === 'pgmigrations'
        ? NODE_PG_MIGRATE_LOCK_ID
        : createHash('sha256').update(`${schema}.${table}`).digest().readBigInt64BE(0),
  };
}

// A single-bigint advisory lock shows in pg_locks as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
// Activity of the holder only (what pg_stat_activity shows): joining the view reads every backend,
// twice the cost of this query, which every no-op `up`, `verify` and `status` makes.
export function lockHolderSql(key: bigint): string {
  const unsigned = BigInt.asUintN(64, key);
  return `select a.pid, a.application_name, host(a.client_addr) as client_addr, a.backend_start as since
         from pg_locks l, lateral pg_stat_get_activity(l.pid) a
        where l.locktype = 'advisory' and l.granted and l.objsubid = 1
          and l.database = (select oid from pg_database where datname = current_database())
          and l.classid = ${unsigned >> 32n}::bigint::oid and l.objid = ${unsigned & 0xffffffffn}::bigint::oid`;
}

/** The applied migrations in node-pg-migrate's order, with the checksums kept beside them (or none). */
export function ledgerSql(tables: LedgerTables, withChecksums: boolean): string {
  return withChecksums
    ? `select m.name, m.run_on, c.checksum from ${tables.migrations} m left join ${tables.checksums} c on c.name = m.name order by m.run_on, m.id`
    : `select m.name, m.run_on, null as checksum from ${tables.migrations} m order by m.run_on, m.id`;
}

/**
 * One line per applied migration, `<name> <checksum>` (`-` when none is recorded), in byte order of the
 * names, hashed: the quick look compares it with the same digest of the files (ledgerDigestOf), so a
 * no-op start reads 64 characters instead of the ledger. Equal means every migration on disk is
 * applied, as it is on disk, and nothing else is.
 */
export const ledgerDigestSql = (tables: LedgerTables): string =>
  `select pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(coalesce(pg_catalog.string_agg(m.name || ' ' || coalesce(c.checksum, '-'), E'\\n' order by m.name collate "C"), ''), 'UTF8')), 'hex') as ledger from ${tables.migrations} m left join ${tables.checksums} c on c.name = m.name`;

/** What ledgerDigestSql reads, from the migrations on disk. */
export function ledgerDigestOf(migrations: readonly { name: string; checksum: string }[]): string {
  const lines = migrations
    .map(({ name, checksum }) => ({ name: Buffer.from(name), line: `${name} ${checksum}` }))
    .sort((a, b) => Buffer.compare(a.name, b.name))
    .map(({ line }) => line);
  return hash('sha256', lines.join('\n'));
}

export const schemaChecksSql = (tables: LedgerTables): string =>
  `select expected, fingerprint from ${tables.schemaChecks}`;

export const createSchemaChecksSql = (tables: LedgerTables): string =>
  `create table if not exists ${tables.schemaChecks} (expected text primary key, fingerprint char(64) not null, checked_at timestamptz not null default now())`;
