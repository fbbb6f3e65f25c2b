// An interrupted CREATE INDEX CONCURRENTLY leaves an invalid index behind: it
// costs writes and serves no reads, and IF NOT EXISTS would skip rebuilding it.
import type pg from 'pg';

export async function invalidIndexes(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select i.indexrelid::regclass::text as name from pg_index i join pg_class c on c.oid = i.indexrelid
      where not i.indisvalid and c.relnamespace not in ('pg_catalog'::regnamespace, 'pg_toast'::regnamespace) order by 1`,
  );
  return rows.map((row) => row.name);
}
