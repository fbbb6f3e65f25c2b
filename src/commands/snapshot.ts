// `snapshot`: writes expected/<migration>.txt, the catalog change each migration
// makes, by applying the migrations one by one on an empty scratch database (as
// Atlas uses a dev database): DATABASE_URL's when it is empty, else one it makes
// beside it and drops. `--check` compares instead: CI fails (6) when a migration
// changed and its expected catalog did not.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expectedFile, formatDelta, objectsIn } from '../chain/expected-catalog.ts';
import { SchemaMismatch, UsageError } from '../errors.ts';
import type { Session } from '../session/session.ts';
import { sameServer } from '../settings/config.ts';
import { asJson, type DatabaseCommand } from './command.ts';
import { withSession } from './open-session.ts';

export interface SnapshotResult {
  check: boolean;
  written: string[];
  unchanged: string[];
  /** with --check: migrations whose expected catalog is not what they make */
  differing: string[];
}

export const command: DatabaseCommand<{ check: boolean }, SnapshotResult> = {
  args: ({ flags }) => ({ check: flags.check === true }),
  run: snapshot,
  format: (result, { json }) =>
    json
      ? asJson(result)
      : result.check
        ? result.differing.length === 0
          ? `expected catalogs of ${result.unchanged.length} migrations are up to date`
          : ''
        : `${result.written.length} expected catalogs written, ${result.unchanged.length} unchanged`,
  failure: (result) =>
    result.differing.length === 0
      ? undefined
      : new SchemaMismatch(
          `${result.differing.length} expected catalog${result.differing.length === 1 ? ' differs' : 's differ'} from what the migrations make`,
          result.differing.map(
            (name) => `${name}: run \`snapshot\` on an empty database and commit ${EXPECTED_HINT}${name}.txt`,
          ),
        ),
};

const EXPECTED_HINT = 'migrations/expected/';

async function snapshot(session: Session, { check }: { check: boolean }): Promise<SnapshotResult> {
  const { database, config, log } = session;
  const applied = (await database.readLedger()).applied.length;
  const objects = objectsIn(await database.catalog());
  if (applied === 0 && objects.length === 0) return session.withLock(() => walk(session, check));
  // not empty (a snapshot ran here before, say): a scratch database of its own on the same server,
  // dropped after, so that `snapshot --check` can run again and again
  const scratch = `mnemolite_migrate_snapshot_${process.pid}_${Date.now().toString(36)}`;
  log.info(
    `${config.database.display} has ${applied} migrations applied and ${objects.length} objects: working in a scratch database ${scratch}`,
  );
  await database.createDatabase(scratch).catch((error: unknown) => {
    throw new UsageError(
      `snapshot needs an empty scratch database, or a role that may create one: ${(error as Error).message}`,
    );
  });
  try {
    const there = { ...config, database: sameServer(config.database, scratch) };
    return await withSession({ ...session, config: there }, { command: 'snapshot', writes: true }, (inside) =>
      inside.withLock(() => walk(inside, check)),
    );
  } finally {
    await database.dropDatabase(scratch);
  }
}

// From nothing, one migration at a time: the first migration's expected catalog holds what every
// database has (plpgsql, public).
async function walk(session: Session, check: boolean): Promise<SnapshotResult> {
  const { database, files, config, log } = session;
  const result: SnapshotResult = { check, written: [], unchanged: [], differing: [] };
  let before: string[] = [];
  for (const file of files) {
    await session.apply({ direction: 'up', count: 1 });
    const after = await database.catalog();
    const text = formatDelta(file.name, before, after);
    const path = expectedFile(config.migrationsDir, file.name);
    if (readOrNothing(path) === text) result.unchanged.push(file.name);
    else if (check) result.differing.push(file.name);
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      result.written.push(file.name);
      log.info(`wrote ${path}`);
    }
    before = after;
  }
  return result;
}

function readOrNothing(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
