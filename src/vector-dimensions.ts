// Every fixed-size vector/halfvec column must hold EMBEDDING_DIMENSION values;
// a model of another size would otherwise fail only when the API first writes.
import type pg from 'pg';
import { SchemaMismatch } from './errors.ts';

export async function checkVectorDimensions(client: pg.Client, dimension: number): Promise<void> {
  const { rows } = await client.query<{ col: string; dims: number }>(
    `select format('%I.%I.%I', n.nspname, c.relname, a.attname) as col, a.atttypmod as dims
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
       join pg_type t on t.oid = a.atttypid
      where t.typname in ('vector', 'halfvec') and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
        and a.atttypmod > 0 and a.atttypmod <> $1 and n.nspname not in ('pg_catalog', 'information_schema')`,
    [dimension],
  );
  if (rows.length > 0) {
    throw new SchemaMismatch(
      `${rows.length} vector column${rows.length === 1 ? ' does' : 's do'} not have EMBEDDING_DIMENSION = ${dimension}`,
      rows.map((row) => `${row.col} has ${row.dims} dimensions`),
    );
  }
}
