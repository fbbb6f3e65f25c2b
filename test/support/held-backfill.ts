// A declared backfill that cannot finish until the test lets it: 3000 rows to
// fill, and a trigger that makes the batch reaching row 2500 wait for an advisory
// lock the test holds. Batches before it have committed, so the test sees the
// backfill mid-way, waiting in pg_locks: nothing is timed. The trigger also counts
// each row's updates, so a row filled twice shows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { runCli } from './cli.ts';
import type { TestDatabase } from './database.ts';
import { migrationsDir } from './migrations-dir.ts';

export const BACKFILL_MIGRATION = '20270102000000000_items_fill';
export const ROWS = 3000;
export const HELD_AT = 2500;
const GATE_KEY = 912_713;

export interface HeldBackfill {
  /** a migrations directory: the table's migration, applied, and the backfill, pending */
  dir: string;
  /** whether a batch is waiting at the gate */
  waiting(): Promise<boolean>;
  /** lets the batches go on */
  open(): Promise<void>;
  /** rows filled so far */
  filled(): Promise<number>;
  /** how many rows were updated 0, 1, 2… times */
  fills(): Promise<Record<number, number>>;
}

export async function heldBackfill(db: TestDatabase): Promise<HeldBackfill> {
  const dir = migrationsDir(
    {
      '20270101000000000_items.sql': `-- Up Migration
create table items (id int primary key, src int not null, dst int, fills int not null default 0);
insert into items (id, src) select i, i * 7 from generate_series(1, ${ROWS}) i;
create function items_count_fills() returns trigger language plpgsql as $$
begin
  new.fills := old.fills + 1;
  if new.id = ${HELD_AT} then perform pg_advisory_xact_lock(${GATE_KEY}); end if;
  return new;
end $$;
create trigger items_count_fills before update on items for each row execute function items_count_fills();
`,
    },
    { shipped: false },
  );
  const table = await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
  if (table.code !== 0) throw new Error(`the items table was not created:\n${table.stderr}`);
  writeFileSync(
    join(dir, `${BACKFILL_MIGRATION}.ts`),
    "export const backfill = [{ table: 'items', key: 'id', set: 'dst = src', pending: 'dst IS NULL' }];\n" +
      'export function down() {}\n',
  );
  const gate = new pg.Client({ connectionString: db.url, application_name: 'held-backfill-gate' });
  // a test may restart the server under it: the gate (and its lock) just go
  gate.on('error', () => undefined);
  await gate.connect();
  await gate.query('select pg_advisory_lock($1)', [GATE_KEY]);
  let open = false;
  return {
    dir,
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
      await gate.end().catch(() => undefined);
    },
    filled: async () => (await db.query<{ n: number }>('select count(dst)::int as n from items'))[0]!.n,
    fills: async () =>
      Object.fromEntries(
        (await db.query<{ fills: number; n: number }>('select fills, count(*)::int as n from items group by 1')).map(
          (row) => [row.fills, row.n],
        ),
      ),
  };
}
