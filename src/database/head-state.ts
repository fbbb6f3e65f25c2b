// What a no-op `up` needs to know, read in one round trip over the simplest connection
// (wire-protocol.ts): the pid of the server process (a pooler announces one of its own) and whether
// it is a standby, whether the migration lock is held, a digest of the ledger, the catalog
// fingerprint and the schema checks recorded. The statements are the port's (ledger-sql.ts,
// catalog-fingerprint.ts) but for the digest; sent as one simple query, each still sees what
// committed before it began, so the lock is read before the ledger as the port reads them.
// Anything unexpected throws: the caller then opens a session.
import type { ClientConfig } from 'pg';
import { CATALOG_FINGERPRINT, fingerprintOf } from './catalog-fingerprint.ts';
import { ledgerDigestSql, ledgerTables, lockHolderSql, schemaChecksSql } from './ledger-sql.ts';
import { type Rows, WireConnection } from './wire-protocol.ts';

export interface HeadState {
  /** the server process serving the look */
  pid: number;
  /** the pid announced at start-up: `pid`, unless a pooler answered with one of its own */
  announcedPid: number;
  /** the server is a standby in recovery */
  standby: boolean;
  locked: boolean;
  /** the applied migrations and their checksums, digested (ledger-sql.ts: ledgerDigestSql) */
  ledger: string;
  /** as the port's catalogFingerprint */
  fingerprint: string;
  /** as the port's checkedFingerprint, for every key recorded */
  schemaChecks: Map<string, string>;
}

/**
 * Connects and sends the reads; the answer is awaited apart (`answer()`), so the caller can do its
 * own work while the server does. The connection closes with the answer, or with `abandon()`.
 */
export async function askHeadState(
  client: ClientConfig,
  ledger: { schema: string; table: string },
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<{ answer(): Promise<HeadState>; abandon(): void }> {
  if (client.ssl) throw new Error('TLS is asked for');
  const connection = await WireConnection.open(
    {
      host: client.host ?? '',
      port: client.port ?? 5432,
      user: client.user ?? '',
      password: typeof client.password === 'string' ? client.password : '',
      database: client.database ?? '',
      applicationName: client.application_name ?? '',
    },
    options,
  );
  const tables = ledgerTables(ledger.schema, ledger.table);
  const results = connection.query(
    [
      'select pg_backend_pid() as pid, pg_is_in_recovery() as standby',
      lockHolderSql(tables.lockKey),
      ledgerDigestSql(tables),
      CATALOG_FINGERPRINT,
      schemaChecksSql(tables),
    ].join(';\n'),
  );
  results.catch(() => undefined); // awaited by answer(), or abandoned
  return {
    answer: async () => {
      try {
        return headState(await results, connection.announcedPid);
      } finally {
        connection.close();
      }
    },
    abandon: () => connection.close(),
  };
}

function headState(results: Rows[], announcedPid: number): HeadState {
  const [backend, holder, ledger, catalog, checks] = results;
  if (!backend || !holder || !ledger || !catalog || !checks) throw new Error('fewer results than statements');
  return {
    pid: Number(backend[0]?.[0]),
    announcedPid,
    standby: backend[0]?.[1] === 't',
    locked: holder.length > 0,
    ledger: ledger[0]![0]!,
    fingerprint: fingerprintOf(catalog[0]![0]!),
    schemaChecks: new Map(checks.map(([expected, fingerprint]) => [expected!, fingerprint!.trim()])),
  };
}
