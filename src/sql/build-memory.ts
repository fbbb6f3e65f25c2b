// How much memory an index build gets (maintenance_work_mem, for the migrating session only).
// An HNSW build is fast while pgvector's graph fits in maintenance_work_mem and several times
// slower once it does not, so it gets the graph's estimated size, up to the configured ceiling.
// Other builds (B-tree, GIN …) get the ceiling: they allocate only what they use.

export interface BuildInput {
  method: string;
  /** pgvector's `m` (16 unless the index says otherwise) */
  m: number;
  /** rows in the table (pg_class.reltuples, or a count) */
  rows: number;
  /** the indexed column's type, when it is a plain column of a fixed-size vector type */
  column: { type: string; dimensions: number } | undefined;
  /** MIGRATE_MAINTENANCE_WORK_MEM */
  ceilingKb: number;
  /** the session's value before we set anything (the server's) */
  serverKb: number;
}

export interface BuildMemory {
  maintenanceWorkMemKb: number;
  /** the estimated graph, for an HNSW build over a column of known size */
  graphBytes?: number;
}

/** pgvector's defaults for `m` (hnsw) */
export const DEFAULT_M = 16;

const MB = 1024 * 1024;

/**
 * Bytes one element takes in pgvector's in-memory graph: the value as stored, 2·m neighbours
 * of 16 bytes on layer 0, and about 200 bytes of element header. Calibrated on pgvector 0.8.0,
 * where "no longer fits after N tuples" at 1MB gives 1 MiB / N = value + 32·m + 193 for
 * m = 8, 16 and 32, vector(384), vector(768) and halfvec(768), to within 5 bytes.
 */
export function hnswElementBytes(valueBytes: number, m: number): number {
  return valueBytes + 32 * m + 200;
}

/** Bytes of one value as pgvector stores it, or undefined for a type of varying size (sparsevec). */
export function vectorValueBytes(type: string, dimensions: number): number | undefined {
  if (type === 'vector') return 8 + 4 * dimensions;
  if (type === 'halfvec') return 8 + 2 * dimensions;
  if (type === 'bit') return 8 + Math.ceil(dimensions / 8);
  return undefined;
}

export function buildMemory(input: BuildInput): BuildMemory {
  const valueBytes = input.column && vectorValueBytes(input.column.type, input.column.dimensions);
  if (input.method !== 'hnsw' || valueBytes === undefined) return { maintenanceWorkMemKb: input.ceilingKb };
  const graphBytes = Math.ceil(input.rows) * hnswElementBytes(valueBytes, input.m);
  // 15 % and 16 MB of headroom: reltuples is an estimate, and rows arrive during a concurrent build
  const neededKb = Math.ceil((graphBytes * 1.15 + 16 * MB) / MB) * 1024;
  return { maintenanceWorkMemKb: Math.min(input.ceilingKb, Math.max(neededKb, input.serverKb)), graphBytes };
}

/** "512MB", "1.5GB" … as PostgreSQL's SHOW prints memory */
export function formatKb(kb: number): string {
  if (kb >= 1024 * 1024 && kb % (1024 * 1024) === 0) return `${kb / (1024 * 1024)}GB`;
  if (kb >= 1024 && kb % 1024 === 0) return `${kb / 1024}MB`;
  return `${kb}kB`;
}
