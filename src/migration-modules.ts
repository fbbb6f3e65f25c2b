// What migration modules declare besides their SQL. Read only when there is
// work: loading modules is slow, and the no-op path never does.

import type { MigrationFile } from './migration-files.ts';
import { isSql, loadMigration } from './migration-loader.ts';
import type { SchemaExpectation } from './schema-expectations.ts';

/** What a migration may export as `adopt`: how an existing database already holding its objects is recognised. */
export interface Adoption {
  /** the Alembic revision this migration replaces */
  alembicRevision?: string;
  /** what must be there to record this migration without running it */
  expects?: SchemaExpectation;
}

export async function readAdoption(file: MigrationFile): Promise<Adoption | undefined> {
  if (isSql(file.path)) return undefined; // SQL files cannot declare anything
  return (await loadMigration(file.path)).adopt as Adoption | undefined;
}
