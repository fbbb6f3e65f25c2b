// The live schema against the one the applied migrations make: what `verify` and
// `status` report beyond the ledger. Objects the migrations do not make are
// listed, never a failure: MnemoLite's operators add their own.
import {
  type CatalogComparison,
  compareCatalogs,
  describeDifferences,
  readExpectedCatalogs,
} from '../chain/expected-catalog.ts';
import type { MigrationFile } from '../chain/migration-files.ts';
import type { CatalogPort } from '../database/port.ts';

export interface SchemaCheck {
  /** the migration whose expected catalog was compared with the live one; null when none was */
  at: string | null;
  missing: string[];
  different: { expected: string; actual: string }[];
  extra: string[];
  /** why nothing was compared */
  skipped?: string;
}

/** The live schema against the expected catalog right after `files[index]`, or the first migration up to it with none. */
export async function compareWithPoint(
  database: Pick<CatalogPort, 'catalog'>,
  migrationsDir: string,
  files: readonly MigrationFile[],
  index: number,
): Promise<{ comparison: CatalogComparison } | { unknownFrom: string }> {
  const expected = readExpectedCatalogs(migrationsDir, files.slice(0, index + 1));
  if (expected.unknownFrom) return { unknownFrom: expected.unknownFrom };
  return { comparison: compareCatalogs(expected.points.at(-1)!.catalog, await database.catalog()) };
}

/** The live schema against the one the newest of `applied` leaves. */
export async function checkSchema(
  database: Pick<CatalogPort, 'catalog'>,
  migrationsDir: string,
  files: readonly MigrationFile[],
  applied: readonly string[],
): Promise<SchemaCheck> {
  const names = new Set(applied);
  const last = files.findLastIndex((file) => names.has(file.name));
  const none = { at: null, missing: [], different: [], extra: [] };
  if (last < 0) return { ...none, skipped: 'no migration is applied' };
  const point = await compareWithPoint(database, migrationsDir, files, last);
  if ('unknownFrom' in point)
    return { ...none, skipped: `${point.unknownFrom} has no expected catalog (write it with \`snapshot\`)` };
  const { comparison } = point;
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
