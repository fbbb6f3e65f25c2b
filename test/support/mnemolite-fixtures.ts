// Real MnemoLite databases, one per state of its history (test/fixtures/mnemolite/, made by
// scripts/mnemolite-fixtures.sh from MnemoLite's own files; see PROVENANCE.md there).
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { withClient } from './with-client.ts';

const DIR = new URL('../fixtures/mnemolite/', import.meta.url);

/**
 * The states in the order of MnemoLite's history: databases built with today's init (compose-head, the other path
 * to head, last of them), then those first started on an earlier day (named by that day's commit: `+handsql` with
 * every hand-run file of that day, `..head` upgraded since, with the files published later and Alembic to head).
 */
const ORDER = [
  'compose-half',
  'init',
  '9dde1f9db172',
  'a40a6de7d379',
  'a40a6de7d379+handsql',
  'b7c2e4f8a901',
  'c4d7f2a8e102',
  'e5a8b3c9d203',
  'f1a2b3c4d506',
  'a1b2c3d4e5f6',
  'b2c3d4e5f6a7',
  'c3d4e5f6a7b8',
  '20260403_0000',
  '20260404_0000',
  '20260410_0000',
  'compose-head',
  'head-without-trgm',
  '2b75881',
  '8509181',
  '467bf23',
  'd3e9dda+handsql',
  '7a9b7cb+handsql',
  '05d7797+handsql',
  'da4975f+handsql',
  'af87d4e+handsql',
  '69a52e3+handsql',
  'c79727b+handsql',
  'd1acec1+handsql',
  '66907b2+handsql',
  'fe5bd9b+handsql',
  '69a52e3+handsql..head',
] as const;
export type MnemoliteState = (typeof ORDER)[number];

/** Every state with a fixture file, in history order; a file no state names is an error (a stale fixture). */
export function listStates(): MnemoliteState[] {
  const files = readdirSync(DIR)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.slice(0, -'.sql'.length));
  const unknown = files.filter((file) => !(ORDER as readonly string[]).includes(file));
  if (unknown.length > 0) throw new Error(`unknown MnemoLite fixture(s) in ${DIR.pathname}: ${unknown.join(', ')}`);
  return ORDER.filter((state) => files.includes(state));
}

export function stateSql(state: MnemoliteState): string {
  return readFileSync(new URL(`${encodeURIComponent(state)}.sql`, DIR), 'utf8');
}

/**
 * Restores a state into an empty database: its extensions, schemas, tables, rows and alembic_version when the
 * state has one. One simple-protocol query: all or nothing. pg_partman (MnemoLite's image has it; nothing uses it)
 * is left out on a server that does not offer it, as the chain leaves it out there.
 */
export async function restoreState(databaseUrl: string, state: MnemoliteState): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    const { rowCount } = await client.query(`select 1 from pg_available_extensions where name = 'pg_partman'`);
    const sql = stateSql(state);
    await client.query(rowCount === 0 ? withoutPartman(sql) : sql);
  });
}

const PARTMAN =
  /^(CREATE SCHEMA partman|CREATE EXTENSION IF NOT EXISTS pg_partman WITH SCHEMA partman|COMMENT ON EXTENSION pg_partman IS .*);$/gm;

/** A state's SQL for a server without pg_partman: its schema, extension and comment left out. */
export function withoutPartman(sql: string): string {
  return sql.replace(PARTMAN, '');
}

/**
 * Every row of every user table (extension members and pgmigrations* left out), keyed by schema.table in name
 * order, each table's rows as JSON sorted by their text, so two reads compare equal exactly when the data is.
 */
export async function tableRows(client: pg.Client): Promise<Record<string, unknown[]>> {
  const { rows: tables } = await client.query<{ name: string }>(`
    select format('%I.%I', n.nspname, c.relname) as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and not c.relispartition
       and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'
       and c.relname not like 'pgmigrations%'
       and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
     order by format('%I.%I', n.nspname, c.relname) collate "C"`);
  const result: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    const { rows } = await client.query<{ row: unknown }>(
      `select to_jsonb(t) as row from ${name} t order by to_jsonb(t)::text collate "C"`,
    );
    result[name] = rows.map((r) => r.row);
  }
  return result;
}
