// `up` with a session: what is pending applied under the lock, a database without history adopted
// first, the schema compared with what the migrations make. commands/up.ts loads it when the quick
// look cannot answer alone.

import { objectOf, readExpectedCatalogs, schemaCheckKey } from '../chain/expected-catalog.ts';
import type { AdoptionPlan } from '../decisions/adoption.ts';
import { assertNoDrift, type Drift, readDrift } from '../decisions/drift.ts';
import { checkSchema, schemaDifferences, schemaDiffers } from '../decisions/schema-check.ts';
import { checkVectorDimensions, refuseUnmadeDimension } from '../decisions/vector-dimensions.ts';
import { SchemaMismatch } from '../errors.ts';
import type { Session } from '../session/session.ts';

export interface UpOptions {
  allowOutOfOrder: boolean;
}

export interface UpResult {
  applied: string[];
  stamped: string[];
  /** on a database adopted without history: what was found and done beyond stamping */
  adoption?: {
    /** applied although a later migration was already there (each touches nothing such a one made) */
    out_of_order: string[];
    /** migrations run again to bring an object from a form MnemoLite made to the chain's: `migration: object` */
    rebuilt: string[];
    /** comments set to the chain's */
    comments: string[];
  };
  /** migrations applied before checksums were kept (or with a rewritten file's former checksum): their checksums recorded now */
  checksums_recorded: string[];
  head: string;
}

export async function bringToHead(session: Session, options: UpOptions): Promise<UpResult> {
  const { database, files, log, config } = session;
  const head = files.at(-1)!.name;
  // Nothing to do, told without the lock (the quick look tells it without a session, when it can).
  // Also asked while waiting for the lock, so waiters leave as soon as the holder is done.
  // Never while another runner holds the lock: it may be midway through a migration
  // this image lacks, whose ledger row is not committed yet. The lock is read before
  // the ledger, so a holder that finishes in between leaves its rows visible.
  const upToDate = async (): Promise<UpResult | undefined> => {
    if (await database.lockHolder()) return undefined;
    const { drift } = await readDrift(database, files);
    if (drift.pending.length > 0 || drift.unrecorded.length > 0) return undefined;
    assertNoDrift(drift);
    await checkVectorDimensions(database, config.embedding.dimension);
    log.info(`database is up to date at ${head}`);
    return { applied: [], stamped: [], checksums_recorded: [], head };
  };
  const result = (await upToDate()) ?? (await session.withLock(() => migrate(session, options, head), upToDate));
  await warnIfSchemaDiffers(session);
  return result;
}

/** The work under the lock: adopt a database without history, record checksums, apply what is pending. */
async function migrate(session: Session, options: UpOptions, head: string): Promise<UpResult> {
  const { database, files, log, config } = session;
  // only now that there is work: the modules that decide adoption and read what migrations create
  const { planAdoption } = await import('../decisions/adoption.ts');
  const { checkExtensions } = await import('../decisions/required-extensions.ts');
  const result: UpResult = { applied: [], stamped: [], checksums_recorded: [], head };
  // again: another runner may have finished while we waited
  let { ledger, drift } = await readDrift(database, files);
  // before anything is written: settings asking for a dimension the migrations do not make
  const expected = readExpectedCatalogs(config.migrationsDir, files);
  if (drift.pending.length > 0 && expected.unknownFrom === undefined)
    refuseUnmadeDimension(config.embedding, expected.points.at(-1)?.catalog ?? []);
  // before anything is written; adoption stamps only what exists, so its extensions are installed
  await checkExtensions(database, drift.pending);
  if (ledger.applied.length === 0) {
    const plan = await planAdoption(database, files, config.migrationsDir, log);
    if (plan.kind === 'adopt') {
      result.stamped = plan.stamp.map((file) => file.name);
      result.adoption = await adopt(session, plan);
      // what adoption stamped is one transaction's rows: what it left to apply is not out of order (drift.ts)
      ({ ledger, drift } = await readDrift(database, files));
    }
  }
  assertNoDrift(drift);
  refuseOutOfOrder(drift, options);
  if (drift.unrecorded.length > 0) {
    await database.recordChecksums(drift.unrecorded);
    result.checksums_recorded = drift.unrecorded.map((file) => file.name);
    log.info(
      `recorded checksums of ${result.checksums_recorded.length} migrations applied before checksums were kept, or rewritten since without changing what they do`,
    );
  }
  for (const index of await database.invalidIndexes())
    log.warn(`invalid index ${index} (left by an interrupted CREATE INDEX CONCURRENTLY)`);

  if (drift.pending.length > 0) {
    log.info(`${drift.pending.length} migration${drift.pending.length === 1 ? '' : 's'} to apply`);
    try {
      result.applied = await session.apply({ direction: 'up' });
    } finally {
      await recordApplied(session, drift).catch((error) =>
        log.debug(`checksums not recorded now (the next run will): ${error.message}`),
      );
    }
  }
  await checkVectorDimensions(database, config.embedding.dimension);
  log.info(result.applied.length > 0 ? `database is at ${head}` : `database is up to date at ${head}`);
  return result;
}

// The schema against what the applied migrations make, as `verify` compares it: an index dropped by
// hand is told here too. A warning, not a failure: the API can run (verify is the gate that fails).
// Found as they make it, it is recorded with the catalog's fingerprint: until the catalog changes,
// the next start reads the fingerprint, not the whole catalog (and the quick look does the same).
async function warnIfSchemaDiffers(session: Session): Promise<void> {
  const { database, config, files, log } = session;
  const key = schemaCheckKey(config.migrationsDir, files, config.embedding.dimension);
  if (key === undefined) return; // nothing to compare with (checkSchema would skip)
  if ((await database.checkedFingerprint(key)) === (await database.catalogFingerprint())) return;
  const { lines, fingerprint } = await database.fingerprintedCatalog();
  // up succeeded: every migration on disk is applied
  const check = await checkSchema(
    { catalog: async () => lines },
    config.migrationsDir,
    files,
    files.map((file) => file.name),
  );
  if (!schemaDiffers(check)) {
    // a record is a shortcut: without it the next start compares again
    await database
      .recordSchemaCheck(key, fingerprint)
      .catch((error: Error) => log.debug(`schema check not recorded: ${error.message}`));
    return;
  }
  log.warn(`the schema is not what the migrations up to ${check.at} make (\`verify\` fails on it):`);
  for (const line of schemaDifferences(check)) log.warn(`  ${line}`);
}

/** Records what adoption found there and sets differing comments; the migrations left to apply do the rest. */
async function adopt(session: Session, plan: AdoptionPlan & { kind: 'adopt' }): Promise<UpResult['adoption']> {
  const { database, files, log } = session;
  await database.stamp(plan.stamp);
  const stamped = plan.stamp.map((file) => file.name);
  log.info(`stamped ${namesOf(stamped, files)} without running them: ${plan.because}`);
  for (const { migration, object } of plan.reformed)
    log.warn(`${object} is in a form MnemoLite made that the chain does not: ${migration} runs again to rebuild it`);
  if (plan.comments.length > 0) {
    await database.setComments(plan.comments);
    const n = plan.comments.length;
    log.warn(
      `${n} comment${n === 1 ? '' : 's'} differed from the chain's and ${n === 1 ? 'was' : 'were'} set to it: ${plan.comments.map(objectOf).join(', ')}`,
    );
  }
  return {
    out_of_order: plan.outOfOrder,
    rebuilt: plan.reformed.map(({ migration, object }) => `${migration}: ${object}`),
    comments: plan.comments.map(objectOf),
  };
}

function refuseOutOfOrder(drift: Drift, options: UpOptions): void {
  if (drift.outOfOrder.length === 0 || options.allowOutOfOrder) return;
  throw new SchemaMismatch(
    `${drift.outOfOrder.length} pending migration${drift.outOfOrder.length === 1 ? ' sorts' : 's sort'} before migrations already applied`,
    [
      ...drift.outOfOrder.map((file) => `${file.name} is not applied, but a later migration is`),
      'this usually means two branches were merged; give the migration a newer timestamp, or run `up --allow-out-of-order` to apply it anyway',
    ],
  );
}

// Checksums for whatever node-pg-migrate managed to apply, also when a later migration failed.
async function recordApplied(session: Session, drift: Drift): Promise<void> {
  const applied = new Set((await session.database.readLedger()).applied.map((row) => row.name));
  await session.database.recordChecksums(drift.pending.filter((file) => applied.has(file.name)));
}

/** `3 migrations (a, b, z)` when few, `29 migrations (a … z, with 21 not there between)` when many, or a prefix `(a … z)`. */
function namesOf(stamped: readonly string[], files: readonly { name: string }[]): string {
  const n = stamped.length;
  if (n === 1) return `1 migration (${stamped[0]})`;
  const prefix = stamped.every((name, index) => files[index]?.name === name);
  if (prefix) return `${n} migrations (${stamped[0]} … ${stamped.at(-1)})`;
  if (n <= 3) return `${n} migrations (${stamped.join(', ')})`;
  const last = files.findIndex((file) => file.name === stamped.at(-1));
  const between = last + 1 - n;
  return `${n} migrations (${stamped[0]} … ${stamped.at(-1)}, with ${between} not there between)`;
}
