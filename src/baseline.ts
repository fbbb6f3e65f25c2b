// The baseline is the first migration when it declares `adopt.expects`: it stands
// for a schema that existed before migrations, so nothing goes below it.
import type { MigrationFile } from './migration-files.ts';
import { readAdoption } from './migration-modules.ts';
import type { SchemaExpectation } from './schema-expectations.ts';

export interface Baseline {
  file: MigrationFile;
  /** the schema it stands for, checked before it is stamped */
  expects: SchemaExpectation;
}

export async function findBaseline(files: readonly MigrationFile[]): Promise<Baseline | undefined> {
  const first = files[0];
  const expects = first && (await readAdoption(first))?.expects;
  return expects ? { file: first, expects } : undefined;
}
