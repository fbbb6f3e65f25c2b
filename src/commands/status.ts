// `status`: what is applied (and when), what is pending, and anything wrong.
import { compare } from '../drift.ts';
import { invalidIndexes } from '../invalid-indexes.ts';
import type { Session } from '../session.ts';

export interface StatusResult {
  database: string;
  table: string;
  applied: { name: string; run_on: string; checksum: 'ok' | 'changed' | 'not recorded' | 'file missing' }[];
  pending: string[];
  anomalies: string[];
}

export async function status(session: Session): Promise<StatusResult> {
  const { client, files, tables, config } = session;
  const ledger = await tables.read(client);
  const drift = compare(files, ledger.applied);
  const changed = new Set(drift.changed.map((file) => file.name));
  const unrecorded = new Set(drift.unrecorded.map((file) => file.name));
  const missing = new Set(drift.missing.map((row) => row.name));
  const anomalies = [
    ...drift.changed.map((file) => `${file.name} was edited after it was applied`),
    ...drift.missing.map((row) => `${row.name} is applied but not on disk (the database is ahead of these migrations)`),
    ...drift.outOfOrder.map((file) => `${file.name} is pending but sorts before applied migrations`),
    ...(await invalidIndexes(client)).map((index) => `index ${index} is invalid (an interrupted CREATE INDEX CONCURRENTLY): up reruns the migration that builds it, which drops and rebuilds it; or DROP INDEX CONCURRENTLY ${index}`),
  ];
  if (!ledger.exists) anomalies.push(`no ${config.migrationsTable} table: this database is not managed yet (\`up\` adopts or creates it)`);
  return {
    database: config.database.display,
    table: `${tables.schema}.${tables.table}`,
    applied: ledger.applied.map((row) => ({
      name: row.name,
      run_on: row.runOn.toISOString(),
      checksum: missing.has(row.name) ? 'file missing' : changed.has(row.name) ? 'changed' : unrecorded.has(row.name) ? 'not recorded' : 'ok',
    })),
    pending: drift.pending.map((file) => file.name),
    anomalies,
  };
}
