// Every fixed-size vector/halfvec column must hold EMBEDDING_DIMENSION values;
// a model of another size would otherwise fail only when the API first writes.
import type { CatalogPort } from '../database/port.ts';
import { ConfigError, SchemaMismatch } from '../errors.ts';

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
    [
      ...problems,
      'set EMBEDDING_DIMENSION to the size of these columns (or leave it unset for 768), or change the columns with a migration of your own',
    ],
  );
}

export async function checkVectorDimensions(
  database: Pick<CatalogPort, 'vectorColumns'>,
  dimension: number,
): Promise<void> {
  const mismatch = vectorMismatch(await vectorDimensionProblems(database, dimension), dimension);
  if (mismatch) throw mismatch;
}

const VECTOR_COLUMN = /^column (\S+) (?:\S+\.)?(?:vector|halfvec)\((\d+)\)/;

/**
 * Refuses, before anything is written, settings that ask for a dimension the migrations do not make
 * (their expected catalog at the head): applying them would only end in a database of the wrong size.
 */
export function refuseUnmadeDimension(
  embedding: { dimension: number; setBy: readonly string[] },
  headCatalog: Iterable<string>,
): void {
  const columns = [...headCatalog].flatMap((line) => {
    const match = VECTOR_COLUMN.exec(line);
    return match ? [{ column: match[1]!, dimensions: Number(match[2]) }] : [];
  });
  const made = [...new Set(columns.map((c) => c.dimensions))];
  if (made.length !== 1 || made[0] === embedding.dimension) return;
  const names = embedding.setBy.length > 0 ? embedding.setBy : ['EMBEDDING_DIMENSION'];
  throw new ConfigError(
    `${names.map((name) => `${name}=${embedding.dimension}`).join(' and ')}, but the migrations make vector columns of ${made[0]} dimensions; nothing was written`,
    [
      `${columns.length} columns: ${columns.map((c) => c.column).join(', ')}`,
      `for ${made[0]}-dimension embeddings (the shipped models), leave ${names.join(' and ')} unset or set ${names.length === 1 ? 'it' : 'them'} to ${made[0]}`,
      `for ${embedding.dimension} dimensions, add a migration of your own that changes each of these columns and rebuilds its HNSW index, then record it with \`snapshot\``,
    ],
  );
}
