// The baseline is the first migration when it cannot be reverted (`down = false`):
// it stands for a schema that existed before migrations, so nothing goes below it.

import { isIrreversible } from './declarations.ts';
import type { MigrationFile } from './migration-files.ts';

export async function findBaseline(files: readonly MigrationFile[]): Promise<MigrationFile | undefined> {
  const first = files[0];
  return first && (await isIrreversible(first)) ? first : undefined;
}
