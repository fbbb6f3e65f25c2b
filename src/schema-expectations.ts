// A migration's declaration of the schema it stands for, checked against the
// catalog: this is what makes a baseline stamp verified rather than blind.
import type { Database, SchemaFacts } from './database/port.ts';

export interface SchemaExpectation {
  extensions?: readonly string[];
  /** table (optionally schema-qualified) -> column -> type as format_type() prints it, e.g. 'vector(768)' */
  tables?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** index names (optionally schema-qualified) */
  indexes?: readonly string[];
}

const qualified = (name: string) => (name.includes('.') ? name : `public.${name}`);

/** Lists every way the database differs from `expected`; empty when it matches. */
export async function findDifferences(database: Database, expected: SchemaExpectation): Promise<string[]> {
  return differences(await database.schemaFacts(Object.keys(expected.tables ?? {}).map(qualified)), expected);
}

function differences(actual: SchemaFacts, expected: SchemaExpectation): string[] {
  const differences: string[] = [];

  for (const extension of expected.extensions ?? []) {
    if (!actual.extensions.includes(extension)) differences.push(`extension ${extension} is not installed`);
  }
  const columns = new Map<string, Map<string, string>>();
  for (const { table, column, type } of actual.columns) {
    if (!columns.has(table)) columns.set(table, new Map());
    columns.get(table)!.set(column, type);
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
