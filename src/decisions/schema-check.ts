// The live schema against the one the applied migrations make: what `verify` and
// `status` report beyond the ledger. Objects the migrations do not make are
// listed, never a failure: MnemoLite's operators add their own.
import { compareCatalogs, describeDifferences, readExpectedCatalogs } from '../chain/expected-catalog.ts';
import type { Session } from '../session/session.ts';

export interface SchemaCheck {
  /** the migration whose expected catalog was compared with the live one; null when none was */
  at: string | null;
  missing: string[];
  different: { expected: string; actual: string }[];
  extra: string[];
  /** why nothing was compared */
  skipped?: string;
}

export async function checkSchema(session: Session, applied: readonly string[]): Promise<SchemaCheck> {
  const { files, config, database } = session;
  const names = new Set(applied);
  const last = files.findLastIndex((file) => names.has(file.name));
  const none = { at: null, missing: [], different: [], extra: [] };
  if (last < 0) return { ...none, skipped: 'no migration is applied' };
  const expected = readExpectedCatalogs(config.migrationsDir, files.slice(0, last + 1));
  if (expected.unknownFrom)
    return { ...none, skipped: `${expected.unknownFrom} has no expected catalog (write it with \`snapshot\`)` };
  const comparison = compareCatalogs(expected.points.at(-1)!.catalog, await database.catalog());
  return {
    at: files[last]!.name,
    missing: comparison.missing,
    different: comparison.different.map(([want, have]) => ({ expected: want, actual: have })),
    extra: comparison.extra,
  };
}

export const schemaDiffers = (check: SchemaCheck): boolean => check.missing.length > 0 || check.different.length > 0;

/** One line per difference, for error details. */
export const schemaDifferences = (check: SchemaCheck): string[] =>
  describeDifferences({ ...check, different: check.different.map(({ expected, actual }) => [expected, actual]) });
