// `up`: bring the database to the newest migration on disk. Every container start runs it, so this
// module holds only what a start at head needs (the quick look); the work with a session is
// apply/bring-to-head.ts, loaded when there is some.

import type { UpOptions, UpResult } from '../apply/bring-to-head.ts';
import type { MigrationFile } from '../chain/migration-files.ts';
import { askHeadState, type HeadState } from '../database/head-state.ts';
import { LEDGER_SCHEMA } from '../database/ledger-sql.ts';
import { Interrupted } from '../errors.ts';
import type { Context } from '../session/session.ts';
import { asJson, type DatabaseCommand } from './command.ts';

export type { UpResult };

export const command: DatabaseCommand<UpOptions, UpResult> = {
  args: ({ flags }) => ({ allowOutOfOrder: flags['allow-out-of-order'] === true }),
  quick: quickLook,
  run: async (session, options) => (await import('../apply/bring-to-head.ts')).bringToHead(session, options),
  format: (result, { json }) => (json ? asJson(result) : ''),
};

/**
 * The usual container start without a session: the simplest connection, one round trip
 * (database/head-state.ts), nothing written. It answers only when there is nothing to do or say
 * (decisions/quick-look.ts): no pooler between, no lock holder, every migration applied as it is on
 * disk, and the schema found as the migrations make it, with this vector dimension, at this very
 * catalog fingerprint (apply/bring-to-head.ts records it). Otherwise the session decides.
 */
async function quickLook({ config, log, signals }: Context): Promise<UpResult | undefined> {
  const giveWay = (why: string) => {
    log.debug(`quick look at ${config.database.display}: ${why}; opening a session`);
    return undefined;
  };
  // a failure is the session's to meet, with its waits and messages; a stop signal is not
  const failed = (error: unknown) => {
    if (signals.received) throw new Interrupted(signals.received, `while reading ${config.database.display}`);
    return giveWay((error as Error).message);
  };
  let ask: Awaited<ReturnType<typeof askHeadState>> | undefined;
  let refused: unknown;
  try {
    ask = await askHeadState(
      config.database.client,
      { schema: LEDGER_SCHEMA, table: config.migrationsTable },
      { timeoutMs: Math.max(1000, Math.min(5000, config.waitTimeoutMs)), signal: signals.abortSignal },
    );
  } catch (error) {
    refused = error;
  }
  // The query went out first: what decides is loaded, and the directory and the expected catalogs
  // read, while the server answers. Loaded when it could not be asked too: the image's compile cache
  // is made by a start without a server (Dockerfile.migrate), and holds what that start loads.
  let files: MigrationFile[];
  let key: string | undefined;
  let decide: typeof import('../decisions/quick-look.ts');
  try {
    const [chain, expected, decision] = await Promise.all([
      import('../chain/migration-files.ts'),
      import('../chain/expected-catalog.ts'),
      import('../decisions/quick-look.ts'),
    ]);
    if (ask === undefined) return failed(refused);
    files = chain.listMigrations(config.migrationsDir);
    key = expected.schemaCheckKey(config.migrationsDir, files, config.embedding.dimension);
    decide = decision;
  } catch (error) {
    ask?.abandon();
    throw error;
  }
  let state: HeadState;
  try {
    state = await ask.answer();
  } catch (error) {
    return failed(error);
  }
  const why = decide.whySessionNeeded(state, files, key);
  if (why !== undefined) return giveWay(why);
  const head = files.at(-1)!.name;
  log.info(`database is up to date at ${head}`);
  return { applied: [], stamped: [], checksums_recorded: [], head };
}
