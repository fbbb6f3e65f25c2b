// `verify`: succeeds only when the database is at the newest migration on disk and
// nothing drifted — the check an API runs before it serves. Takes no lock, but
// answers "in progress" (7) while another runner holds it: the ledger and schema
// are half-done then, and "ok" would open the API gate mid-migration.

import type { LockHolder } from '../database/port.ts';
import { type DriftProblems, driftMismatch, driftProblems, readDrift } from '../decisions/drift.ts';
import { checkSchema, type SchemaCheck, schemaDifferences, schemaDiffers } from '../decisions/schema-check.ts';
import { vectorDimensionProblems, vectorMismatch } from '../decisions/vector-dimensions.ts';
import { type MigrateError, PendingMigrations, SchemaMismatch } from '../errors.ts';
import { describeHolder } from '../session/lock.ts';
import type { Session } from '../session/session.ts';
import { asJson, type DatabaseCommand, noArgs } from './command.ts';

export interface VerifyResult {
  ok: boolean;
  head: string;
  /** read on a standby in recovery (a replica): it may lag behind the primary */
  standby: boolean;
  /** the runner migrating now; when set, nothing else was checked */
  in_progress: LockHolder | null;
  /** applied migrations edited since, or applied but not on disk */
  drift: DriftProblems;
  pending: string[];
  invalid_indexes: string[];
  embedding_dimension: number;
  /** vector columns whose size is not embedding_dimension */
  vector_dimensions: string[];
  /** the live schema against the expected catalog of the newest applied migration */
  schema: SchemaCheck;
}

export const command: DatabaseCommand<undefined, VerifyResult> = {
  args: noArgs,
  run: verify,
  format: (result, { json }) =>
    json
      ? asJson(result)
      : result.ok
        ? [`ok: database is at ${result.head}${onStandby(result)}`, ...extras(result.schema)].join('\n')
        : '',
  failure: verifyFailure,
};

export async function verify(session: Session): Promise<VerifyResult> {
  const { database, files, config } = session;
  const head = files.at(-1)!.name;
  // the lock before the ledger: a holder that finishes in between leaves its rows visible
  const holder = await database.lockHolder();
  if (holder) {
    const skipped = 'a migration is in progress';
    const none = { drift: { changed: [], missing: [] }, pending: [], invalid_indexes: [], vector_dimensions: [] };
    return {
      ok: false,
      head,
      standby: database.standby,
      in_progress: holder,
      ...none,
      embedding_dimension: config.embedding.dimension,
      schema: { at: null, missing: [], different: [], extra: [], skipped },
    };
  }
  const {
    ledger: { applied },
    drift,
  } = await readDrift(database, files);
  const result: VerifyResult = {
    ok: false,
    head,
    standby: database.standby,
    in_progress: null,
    drift: driftProblems(drift),
    pending: drift.pending.map((file) => file.name),
    invalid_indexes: await database.invalidIndexes(),
    embedding_dimension: config.embedding.dimension,
    vector_dimensions: await vectorDimensionProblems(database, config.embedding.dimension),
    schema: await checkSchema(
      database,
      config.migrationsDir,
      files,
      applied.map((row) => row.name),
    ),
  };
  result.ok =
    [
      result.drift.changed,
      result.drift.missing,
      result.pending,
      result.invalid_indexes,
      result.vector_dimensions,
    ].every((list) => list.length === 0) && !schemaDiffers(result.schema);
  return result;
}

function onStandby(result: VerifyResult): string {
  return result.standby ? ' (read on a standby in recovery, a replica: the primary may be further on)' : '';
}

// Objects no migration makes are the operator's own: listed, never a failure.
function extras(schema: SchemaCheck): string[] {
  if (schema.skipped) return [`schema not compared: ${schema.skipped}`];
  return schema.extra.length === 0
    ? []
    : [
        `${schema.extra.length} object${schema.extra.length === 1 ? '' : 's'} no migration makes:`,
        ...schema.extra.map((line) => `  ${line}`),
      ];
}

// In the order an operator fixes them: drift (6), pending (7), then the schema itself (6);
// a migration in progress (7, like pending: not at head yet) comes before all, as nothing else was checked.
function verifyFailure(result: VerifyResult): MigrateError | undefined {
  const { pending } = result;
  return (
    (result.in_progress
      ? new PendingMigrations(
          `a migration is in progress: ${describeHolder(result.in_progress)} holds the migration lock`,
          ['verify again once it finishes'],
        )
      : undefined) ??
    driftMismatch(result.drift) ??
    (pending.length > 0
      ? new PendingMigrations(
          `${pending.length} migration${pending.length === 1 ? ' is' : 's are'} not applied`,
          pending,
        )
      : undefined) ??
    (result.invalid_indexes.length > 0
      ? new SchemaMismatch(`invalid indexes: ${result.invalid_indexes.join(', ')}`, ['run `up` to rebuild them'])
      : undefined) ??
    (schemaDiffers(result.schema)
      ? new SchemaMismatch(
          `the schema is not what the migrations up to ${result.schema.at} make`,
          schemaDifferences(result.schema),
        )
      : undefined) ??
    vectorMismatch(result.vector_dimensions, result.embedding_dimension)
  );
}
