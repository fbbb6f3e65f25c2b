import { describe, expect, it } from 'vitest';
import { buildMemory, formatKb, hnswElementBytes, vectorValueBytes } from '../../src/sql/build-memory.ts';

describe('the HNSW graph estimate', () => {
  // pgvector 0.8.0, maintenance_work_mem = 1MB: "hnsw graph no longer fits … after N tuples"
  it.each([
    ['vector', 768, 16, 277],
    ['halfvec', 768, 16, 467],
    ['vector', 384, 16, 466],
    ['vector', 768, 32, 244],
    ['halfvec', 768, 8, 526],
  ])('%s(%i) with m = %i: %i elements fit in 1MB, as pgvector measured', (type, dimensions, m, measured) => {
    const fit = (1024 * 1024) / hnswElementBytes(vectorValueBytes(type, dimensions)!, m);
    expect(Math.abs(fit - measured) / measured).toBeLessThan(0.01);
  });

  it('sparsevec has no fixed size', () => {
    expect(vectorValueBytes('sparsevec', 768)).toBeUndefined();
  });
});

describe('the memory a build gets', () => {
  const hnsw = {
    method: 'hnsw',
    m: 16,
    column: { type: 'halfvec', dimensions: 768 },
    ceilingKb: 512 * 1024,
    serverKb: 64 * 1024,
  };

  it('a small graph keeps the server value', () => {
    expect(buildMemory({ ...hnsw, rows: 1000 }).maintenanceWorkMemKb).toBe(64 * 1024);
  });

  it("MnemoLite's 60,000 code chunks get their graph and headroom, under the ceiling", () => {
    const { maintenanceWorkMemKb, graphBytes } = buildMemory({ ...hnsw, rows: 60_000 });
    expect(graphBytes).toBe(60_000 * (1544 + 32 * 16 + 200));
    expect(maintenanceWorkMemKb * 1024).toBeGreaterThan(graphBytes! * 1.15);
    expect(maintenanceWorkMemKb).toBeLessThan(512 * 1024);
    expect(maintenanceWorkMemKb % 1024).toBe(0);
  });

  it('a graph above the ceiling gets the ceiling', () => {
    expect(buildMemory({ ...hnsw, rows: 5_000_000 }).maintenanceWorkMemKb).toBe(512 * 1024);
  });

  it('a B-tree, or an HNSW over an expression, gets the ceiling', () => {
    expect(buildMemory({ ...hnsw, method: 'btree', rows: 10 })).toEqual({ maintenanceWorkMemKb: 512 * 1024 });
    expect(buildMemory({ ...hnsw, column: undefined, rows: 10 })).toEqual({ maintenanceWorkMemKb: 512 * 1024 });
  });

  it('formats as PostgreSQL does', () => {
    expect([formatKb(512 * 1024), formatKb(1024 * 1024), formatKb(1536), formatKb(155 * 1024)]).toEqual([
      '512MB',
      '1GB',
      '1536kB',
      '155MB',
    ]);
  });
});
