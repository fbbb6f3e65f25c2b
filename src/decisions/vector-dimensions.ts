// Every fixed-size vector/halfvec column must hold EMBEDDING_DIMENSION values;
// a model of another size would otherwise fail only when the API first writes.
import type { CatalogPort } from '../database/port.ts';
import { SchemaMismatch } from '../errors.ts';

/** The columns of another size, described; empty when all match. */
export async function vectorDimensionProblems(
  database: Pick<CatalogPort, 'vectorColumns'>,
  dimension: number,
): Promise<string[]> {
  return (await database.vectorColumns())
    .filter((c) => c.dimensions !== dimension)
    .map((c) => `${c.column} has ${c.dimensions} dimensions`);
}

export function vectorMismatch(problems: string[], dimension: number): SchemaMismatch | undefined {
  if (problems.length === 0) return undefined;
  return new SchemaMismatch(
    `${problems.length} vector column${problems.length === 1 ? ' does' : 's do'} not have EMBEDDING_DIMENSION = ${dimension}`,
    problems,
  );
}

export async function checkVectorDimensions(
  database: Pick<CatalogPort, 'vectorColumns'>,
  dimension: number,
): Promise<void> {
  const mismatch = vectorMismatch(await vectorDimensionProblems(database, dimension), dimension);
  if (mismatch) throw mismatch;
}
