// `status`: what is applied (and when), what is pending, and anything wrong.
import type { LockHolder } from '../database/port.ts';
import { readDrift } from '../decisions/drift.ts';
import { checkSchema, type SchemaCheck, schemaDifferences } from '../decisions/schema-check.ts';
import { describeHolder } from '../session/lock.ts';
import type { Session } from '../session/session.ts';
import { asJson, type DatabaseCommand, noArgs } from './command.ts';

export interface StatusResult {
  database: string;
  /** read on a standby in recovery (a replica): it may lag behind the primary */
  standby: boolean;
  table: string;
  /** the runner holding the migration lock (migrating now, so the ledger may be about to change), or null */
  lock_holder: LockHolder | null;
  applied: { name: string; run_on: string; checksum: 'ok' | 'changed' | 'not recorded' | 'file missing' }[];
  pending: string[];
  anomalies: string[];
  /** the live schema against the expected catalog of the newest applied migration */
  schema: SchemaCheck;
}

export const command: DatabaseCommand<undefined, StatusResult> = {
  args: noArgs,
  run: status,
  format: (result, { json }) => (json ? asJson(result) : formatStatus(result)),
};

export async function status(session: Session): Promise<StatusResult> {
  const { database, files, config } = session;
  const holder = await database.lockHolder();
  const { ledger, drift } = await readDrift(database, files);
  const changed = new Set(drift.changed.map((file) => file.name));
  const unrecorded = new Set(drift.unrecorded.map((file) => file.name));
  const missing = new Set(drift.missing.map((row) => row.name));
  const anomalies = [
    ...drift.changed.map((file) => `${file.name} was edited after it was applied`),
    ...drift.missing.map((row) => `${row.name} is applied but not on disk (the database is ahead of these migrations)`),
    ...drift.outOfOrder.map((file) => `${file.name} is pending but sorts before applied migrations`),
    ...(await database.invalidIndexes()).map(
      (index) =>
        `index ${index} is invalid (an interrupted CREATE INDEX CONCURRENTLY): up reruns the migration that builds it, which drops and rebuilds it; or DROP INDEX CONCURRENTLY ${index}`,
    ),
  ];
  if (!ledger.exists)
    anomalies.push(
      `no ${config.migrationsTable} table: this database is not managed yet: \`plan\` shows what \`up\` would do (create the schema on an empty database, adopt a MnemoLite one, refuse another application's)`,
    );
  const schema = await checkSchema(
    database,
    config.migrationsDir,
    files,
    ledger.applied.map((row) => row.name),
  );
  anomalies.push(...schemaDifferences(schema).map((line) => `schema ${line.trimStart()}`));
  return {
    database: config.database.display,
    standby: database.standby,
    table: database.ledgerName,
    lock_holder: holder ?? null,
    applied: ledger.applied.map((row) => ({
      name: row.name,
      run_on: row.runOn.toISOString(),
      checksum: missing.has(row.name)
        ? 'file missing'
        : changed.has(row.name)
          ? 'changed'
          : unrecorded.has(row.name)
            ? 'not recorded'
            : 'ok',
    })),
    pending: drift.pending.map((file) => file.name),
    anomalies,
    schema,
  };
}

function formatStatus(result: StatusResult): string {
  const lines = [`database: ${result.database} (ledger ${result.table})`];
  if (result.standby) lines.push('read on a standby in recovery (a replica): it may lag behind the primary');
  lines.push(
    result.lock_holder
      ? `migration lock: held by ${describeHolder(result.lock_holder)} (a migration is in progress)`
      : 'migration lock: free',
    '',
  );
  lines.push(`applied (${result.applied.length}):`);
  for (const row of result.applied)
    lines.push(`  ${row.run_on}  ${row.name}${row.checksum === 'ok' ? '' : `  [${row.checksum}]`}`);
  lines.push(`pending (${result.pending.length}):`);
  for (const name of result.pending) lines.push(`  ${name}`);
  lines.push(`anomalies (${result.anomalies.length}):`);
  for (const anomaly of result.anomalies) lines.push(`  ${anomaly}`);
  const { schema } = result;
  if (schema.skipped) lines.push(`schema: not compared (${schema.skipped})`);
  else if (schema.at)
    lines.push(
      `schema: compared with ${schema.at}; ${schema.extra.length} object${schema.extra.length === 1 ? '' : 's'} no migration makes`,
    );
  for (const line of schema.extra) lines.push(`  ${line}`);
  return lines.join('\n');
}
