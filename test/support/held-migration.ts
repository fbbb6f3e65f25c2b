// A migration that cannot finish until the test lets it: it waits, inside its
// transaction and holding the migration lock, for an advisory lock the test
// holds. The test sees it waiting in pg_locks, so nothing is timed.
import pg from 'pg';
import type { TestDatabase } from './database.ts';

/** Sorts after the chain's head, as a newer image's migration would. */
export const HELD_MIGRATION = '20270101000000000_held';
const GATE_KEY = 912_712;

export const heldMigrationFile = {
  [`${HELD_MIGRATION}.sql`]: `-- Up Migration\nselect pg_advisory_xact_lock(${GATE_KEY});\ncreate table held_marker (id int);\n`,
};

export interface Gate {
  /** whether a migration is waiting at the gate (so its runner holds the migration lock) */
  waiting(): Promise<boolean>;
  /** lets the migration go on */
  open(): Promise<void>;
}

export async function closedGate(db: TestDatabase): Promise<Gate> {
  const client = new pg.Client({ connectionString: db.url, application_name: 'held-migration-gate' });
  await client.connect();
  await client.query('select pg_advisory_lock($1)', [GATE_KEY]);
  let open = false;
  return {
    waiting: async () => {
      const [row] = await db.query<{ n: number }>(
        `select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and classid = 0 and objid = $1 and objsubid = 1
            and database = (select oid from pg_database where datname = current_database())`,
        [GATE_KEY],
      );
      return row!.n > 0;
    },
    open: async () => {
      if (open) return;
      open = true;
      await client.end();
    },
  };
}
