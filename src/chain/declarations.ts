// What migration modules declare besides their SQL. Read only when there is
// work: loading modules is slow, and the no-op path never does.

import type { MigrationFile } from './migration-files.ts';
import { isSql, loadMigration } from './migration-loader.ts';

/** What a migration may export as `replaces`: the part of MnemoLite's own history it stands for. */
export interface Replaces {
  /** Alembic revisions whose schema is the point right after this migration */
  alembic?: readonly string[];
  /** MnemoLite's files it stands for, for people reading it and for refusals */
  sources?: readonly string[];
  /**
   * Catalog lines of forms MnemoLite's own files made (on some path) that no migration makes: adoption
   * runs this migration again on a database holding one, and it brings the object to the chain's form
   */
  earlierForms?: readonly string[];
}

export async function readReplaces(file: MigrationFile): Promise<Replaces | undefined> {
  if (isSql(file.path)) return undefined; // SQL files cannot declare anything
  return (await loadMigration(file.path)).replaces as Replaces | undefined;
}

/** Whether a migration says it cannot be reverted (`export const down = false`). */
export async function isIrreversible(file: MigrationFile): Promise<boolean> {
  if (isSql(file.path)) return false; // SQL files cannot declare anything
  return (await loadMigration(file.path)).down === false;
}
