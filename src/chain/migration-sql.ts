// The SQL a migration would run, rendered the way node-pg-migrate renders it
// (same loaders, same MigrationBuilder, same up/down rules) but against a
// database handle that refuses every query: `plan` and `lint` touch nothing.
import { basename } from 'node:path';
import type { MigrationAction } from 'node-pg-migrate/migration';
import type { MigrationBuilder } from 'node-pg-migrate/migrationBuilder';
import { backfillBatchSql } from '../database/backfill-sql.ts';
import { ConfigError, IrreversibleMigration } from '../errors.ts';
import { declaredBackfills } from './backfill-declaration.ts';
import { loadMigration } from './migration-loader.ts';

export interface MigrationSql {
  /** one entry per MigrationBuilder step, exactly as node-pg-migrate would send it */
  statements: string[];
  /** false when the migration called `pgm.noTransaction()` */
  transaction: boolean;
}

export async function renderMigrationSql(path: string, direction: 'up' | 'down'): Promise<MigrationSql> {
  const file = basename(path);
  const actions = await loadMigration(path);
  const backfills = declaredBackfills(actions, path);
  // a declared backfill is its up: the batch statement, repeated until nothing is pending
  if (backfills && direction === 'up')
    return {
      statements: backfills.map(
        (backfill) => `-- repeated, $2 the last key filled\n${backfillBatchSql(backfill, false)}`,
      ),
      transaction: false,
    };

  // node-pg-migrate's Migration._getAction/apply: a missing down replays up in
  // reverse, and reverse mode is on whenever down is up.
  const down = direction === 'down' && actions.down === undefined ? actions.up : actions.down;
  const action = direction === 'up' ? actions.up : down;
  if (action === false)
    throw new IrreversibleMigration(`migration ${file} cannot be run ${direction}: it exports ${direction} = false`);
  if (typeof action !== 'function')
    throw new ConfigError(`migration ${file} does not export a '${direction}' function`, [`file: ${path}`]);

  // Loaded lazily, like the loader: the no-op `up` path never pays for it.
  const { MigrationBuilder } = await import('node-pg-migrate/migrationBuilder');
  const pgm = new MigrationBuilder(refusingDb(file), { ...actions.shorthands }, false, stderrLogger);
  if (down === actions.up) pgm.enableReverseMode();
  try {
    await apply(action, pgm);
  } catch (cause) {
    // the migration's own code threw: as broken as a file that does not load
    throw new ConfigError(`migration ${file} failed to render ${direction}: ${(cause as Error).message}`, [
      `file: ${path}`,
    ]);
  }
  return { statements: pgm.getSqlSteps(), transaction: pgm.isUsingTransaction() };
}

// Migration._apply: a two-argument action signals completion through its callback.
async function apply(action: MigrationAction, pgm: MigrationBuilder): Promise<void> {
  if (action.length === 2) await new Promise<void>((resolve) => action(pgm, resolve));
  else await action(pgm);
}

type Db = ConstructorParameters<typeof MigrationBuilder>[0];

function refusingDb(file: string): Db {
  const refuse = (): never => {
    throw new Error(
      `migration ${file} queries the database (pgm.db) while its SQL is rendered; plan and lint never connect`,
    );
  };
  return { query: refuse, select: refuse };
}

// MigrationBuilder's operations do not log today; whatever they might say
// belongs on stderr, never among plan's results on stdout.
const stderrLogger = { info: console.error, warn: console.error, error: console.error };
