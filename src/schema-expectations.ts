// A migration's declaration of the schema it stands for, checked against the
// catalog: this is what makes a baseline stamp verified rather than blind.
import type pg from 'pg';

export interface SchemaExpectation {
  extensions?: readonly string[];
  /** table (optionally schema-qualified) -> column -> type as format_type() prints it, e.g. 'vector(768)' */
  tables?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** index names (optionally schema-qualified) */
  indexes?: readonly string[];
}

const qualified = (name: string) => (name.includes('.') ? name : `public.${name}`);

/** Lists every way the database differs from `expected`; empty when it matches. */
export async function findDifferences(client: pg.Client, expected: SchemaExpectation): Promise<string[]> {
  const tables = Object.keys(expected.tables ?? {}).map(qualified);
  const { rows } = await client.query<{ extensions: string[]; columns: { t: string; c: string; type: string }[] | null; indexes: string[] }>(
    `select
       array(select extname::text from pg_extension) as extensions,
       (select json_agg(json_build_object('t', n.nspname || '.' || c.relname, 'c', a.attname, 'type', format_type(a.atttypid, a.atttypmod)))
          from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
         where (n.nspname || '.' || c.relname) = any($1::text[]) and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped) as columns,
       array(select schemaname || '.' || indexname from pg_indexes) as indexes`,
    [tables],
  );
  const actual = rows[0]!;
  const differences: string[] = [];

  for (const extension of expected.extensions ?? []) {
    if (!actual.extensions.includes(extension)) differences.push(`extension ${extension} is not installed`);
  }
  const columns = new Map<string, Map<string, string>>();
  for (const { t, c, type } of actual.columns ?? []) {
    if (!columns.has(t)) columns.set(t, new Map());
    columns.get(t)!.set(c, type);
  }
  for (const [table, expectedColumns] of Object.entries(expected.tables ?? {})) {
    const found = columns.get(qualified(table));
    if (!found) {
      differences.push(`table ${table} is missing`);
      continue;
    }
    for (const [column, type] of Object.entries(expectedColumns)) {
      const actualType = found.get(column);
      if (actualType === undefined) differences.push(`column ${table}.${column} is missing`);
      else if (actualType !== type) differences.push(`column ${table}.${column} is ${actualType}, expected ${type}`);
    }
  }
  for (const index of expected.indexes ?? []) {
    if (!actual.indexes.includes(qualified(index))) differences.push(`index ${index} is missing`);
  }
  return differences;
}
