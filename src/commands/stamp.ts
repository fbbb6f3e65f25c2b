// `stamp <migration>`: record migrations up to and including <migration> as
// applied without running them — after checking that nothing applied has
// drifted and that the schema is what those migrations make (their expected catalog).

import { describeDifferences, matches } from '../chain/expected-catalog.ts';
import { loadMigration } from '../chain/migration-loader.ts';
import { assertNoDrift, readDrift } from '../decisions/drift.ts';
import { compareWithPoint } from '../decisions/schema-check.ts';
import { SchemaMismatch, UsageError } from '../errors.ts';
import type { Session } from '../session/session.ts';
import { asJson, type DatabaseCommand } from './command.ts';

export interface StampResult {
  stamped: string[];
}

export const command: DatabaseCommand<string, StampResult> = {
  args: ({ positionals }) => positionals[0]!,
  run: stamp,
  format: (result, { json }) => (json ? asJson(result) : ''),
};

export async function stamp(session: Session, target: string): Promise<StampResult> {
  const { database, files, log } = session;
  const index = files.findIndex((file) => file.name === target);
  if (index < 0) throw new UsageError(`${target}: no such migration in ${session.config.migrationsDir}`);
  return session.withLock(async () => {
    const { drift } = await readDrift(database, files);
    assertNoDrift(drift);
    const later =
      drift.pending.length < files.length ? files.findLastIndex((file) => !drift.pending.includes(file)) : -1;
    if (later > index)
      throw new UsageError(
        `${files[later]!.name}, after ${target}, is already applied; stamp only moves forward (use down to go back)`,
      );
    const toStamp = drift.pending.filter((file) => files.indexOf(file) <= index);
    if (toStamp.length === 0) {
      log.info(`${target} is already applied; nothing to stamp`);
      return { stamped: [] };
    }
    // a file that does not load is never recorded as applied (exit 3, naming it)
    for (const file of toStamp) await loadMigration(file.path);
    const point = await compareWithPoint(database, session.config.migrationsDir, files, index);
    // stamp is the operator's own word: without an expected catalog it records, saying it could not check
    if ('unknownFrom' in point) {
      log.warn(
        `${point.unknownFrom} has no expected catalog: the schema was not checked (write them with \`snapshot\`)`,
      );
    } else if (!matches(point.comparison)) {
      throw new SchemaMismatch(
        `the schema is not what the migrations up to ${target} make; refusing to stamp`,
        describeDifferences(point.comparison),
      );
    }
    await database.stamp(toStamp);
    const stamped = toStamp.map((file) => file.name);
    log.info(`stamped ${stamped.join(', ')} without running ${stamped.length === 1 ? 'it' : 'them'}`);
    return { stamped };
  });
}
