// The directory compared with the ledger. Pure (but readDrift, which reads the ledger first):
// no I/O, so every case is cheap to test.

import type { MigrationFile } from '../chain/migration-files.ts';
import type { AppliedMigration, Ledger, LedgerPort } from '../database/port.ts';
import { SchemaMismatch } from '../errors.ts';

export interface Drift {
  /** on disk, not applied, in order */
  pending: MigrationFile[];
  /** applied, but the file's checksum differs from the one recorded */
  changed: MigrationFile[];
  /** applied, but no longer on disk: the database is ahead of these files */
  missing: AppliedMigration[];
  /**
   * pending migrations that sort before one already applied (branches merged); not those that sort before
   * stamped ones only: adoption stamped those together and left these to apply, on a rerun too
   */
  outOfOrder: MigrationFile[];
  /** applied before checksums were kept, or with a former content of a rewritten file: their checksum is to be recorded, not flagged */
  unrecorded: MigrationFile[];
}

/** The ledger read, and the directory compared with it: what every command starts from. */
export async function readDrift(
  database: Pick<LedgerPort, 'readLedger'>,
  files: readonly MigrationFile[],
): Promise<{ ledger: Ledger; drift: Drift }> {
  const ledger = await database.readLedger();
  return { ledger, drift: compare(files, ledger.applied) };
}

export function compare(files: readonly MigrationFile[], applied: readonly AppliedMigration[]): Drift {
  const onDisk = new Map(files.map((file) => [file.name, file]));
  const byName = new Map(applied.map((row) => [row.name, row]));
  const drift: Drift = { pending: [], changed: [], missing: [], outOfOrder: [], unrecorded: [] };

  for (const row of applied) if (!onDisk.has(row.name)) drift.missing.push(row);
  // the rows of the first transaction, when adoption stamped them: several, or one that is not the
  // first migration (the chain run from empty records the first migration alone first)
  const firstRunOn = applied[0]?.runOn.getTime();
  const first = applied.filter((row) => row.runOn.getTime() === firstRunOn);
  const adopted = first.length > 1 || (first.length === 1 && first[0]!.name !== files[0]?.name);
  const stampedTogether = (name: string) => adopted && first.some((row) => row.name === name);
  let lastApplied = -1;
  files.forEach((file, index) => {
    const row = byName.get(file.name);
    if (!row) {
      drift.pending.push(file);
      return;
    }
    if (!stampedTogether(file.name)) lastApplied = index;
    if (row.checksum === null) drift.unrecorded.push(file);
    else if (row.checksum.trim() === file.checksum) return;
    else if (file.formerChecksums.includes(row.checksum.trim())) drift.unrecorded.push(file);
    else drift.changed.push(file);
  });
  drift.outOfOrder = drift.pending.filter((file) => files.indexOf(file) < lastApplied);
  return drift;
}

/** What drifted, one line per migration: applied files edited since, applied migrations not on disk. */
export interface DriftProblems {
  changed: string[];
  missing: string[];
}

export function driftProblems(drift: Drift): DriftProblems {
  return {
    changed: drift.changed.map(
      (file) =>
        `${file.name}: applied, but ${file.path} has changed since (run \`repair ${file.name}\` to accept the new content)`,
    ),
    missing: drift.missing.map(
      (row) =>
        `${row.name}: applied on ${row.runOn.toISOString()}, but not in this image's migrations (the database is ahead of this image)`,
    ),
  };
}

/** Changed or missing applied migrations stop `up`, `down`, `stamp` and `verify` (exit 6). */
export function driftMismatch({ changed, missing }: DriftProblems): SchemaMismatch | undefined {
  const problems = [...changed, ...missing];
  if (problems.length === 0) return undefined;
  const what =
    missing.length > 0 && changed.length === 0
      ? 'the database is ahead of these migrations'
      : 'applied migrations have drifted';
  return new SchemaMismatch(`${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems);
}

export function assertNoDrift(drift: Drift): void {
  const mismatch = driftMismatch(driftProblems(drift));
  if (mismatch) throw mismatch;
}
