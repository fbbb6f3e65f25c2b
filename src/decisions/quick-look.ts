// Whether the quick look may answer a no-op `up` on its own (commands/up.ts): what it read in one
// round trip (database/head-state.ts) against the migrations on disk and the key the schema check is
// recorded under. Pure. It answers only when there is nothing to do or say; any other case, and any
// doubt, is a session's to decide, with every message and wait the session has.
import type { MigrationFile } from '../chain/migration-files.ts';
import type { HeadState } from '../database/head-state.ts';
import { ledgerDigestOf } from '../database/ledger-sql.ts';
import { announcedByServer } from '../session/pooling.ts';

/** Why a session must decide; undefined when the database is at the head of `files` with nothing to say. */
export function whySessionNeeded(
  state: HeadState,
  files: readonly MigrationFile[],
  schemaKey: string | undefined,
): string | undefined {
  // the pooler check comes first, as in the session: through a pooler nothing else counts
  if (!announcedByServer(state)) return 'a pooler answers';
  // a standby is refused by the session, before the lock: at head or not, `up` does not run there
  if (state.standby) return 'the server is a standby';
  if (state.locked) return 'the migration lock is held';
  // pending, edited, missing, without a recorded checksum: the session tells which
  if (state.ledger !== ledgerDigestOf(files)) return 'the ledger is not the migrations on disk';
  if (schemaKey === undefined) return 'a migration has no expected catalog';
  if (state.schemaChecks.get(schemaKey) !== state.fingerprint) return 'the schema was not checked at this catalog';
  return undefined;
}
