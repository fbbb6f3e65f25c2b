// `verify`: succeeds only when the database is at the newest migration on disk and
// nothing drifted — the check an API runs before it serves. Takes no lock.
import { assertNoDrift, compare } from '../drift.ts';
import { PendingMigrations, SchemaMismatch } from '../errors.ts';
import { invalidIndexes } from '../invalid-indexes.ts';
import type { Session } from '../session.ts';
import { checkVectorDimensions } from '../vector-dimensions.ts';

export interface VerifyResult {
  head: string;
}

export async function verify(session: Session): Promise<VerifyResult> {
  const { client, files, tables, config } = session;
  const drift = compare(files, (await tables.read(client)).applied);
  assertNoDrift(drift);
  if (drift.pending.length > 0) {
    throw new PendingMigrations(`${drift.pending.length} migration${drift.pending.length === 1 ? ' is' : 's are'} not applied`, drift.pending.map((file) => file.name));
  }
  const invalid = await invalidIndexes(client);
  if (invalid.length > 0) throw new SchemaMismatch(`invalid indexes: ${invalid.join(', ')}`, ['run `up` to rebuild them']);
  await checkVectorDimensions(client, config.embedding.dimension);
  return { head: files.at(-1)!.name };
}
