// The baseline is the first migration when it declares `adopt.expects`: it stands
// for a schema that existed before migrations, so nothing goes below it.
import type { MigrationFile } from './migration-files.ts';
import { readAdoption } from './migration-modules.ts';

export async function findBaseline(files: readonly MigrationFile[]): Promise<MigrationFile | undefined> {
  const first = files[0];
  if (!first) return undefined;
  return (await readAdoption(first))?.expects ? first : undefined;
}
