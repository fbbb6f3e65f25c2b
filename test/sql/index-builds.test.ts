import { expect, it } from 'vitest';
import { indexBuildsIn } from '../../src/sql/index-builds.ts';

it("finds the table, first column, method and m of each CREATE INDEX, from PostgreSQL's parser", async () => {
  expect(
    await indexBuildsIn(
      `CREATE INDEX CONCURRENTLY i ON code_chunks USING hnsw (embedding_text_half halfvec_cosine_ops) WITH (m = 24, ef_construction = 128)`,
    ),
  ).toEqual([{ table: 'public.code_chunks', column: 'embedding_text_half', method: 'hnsw', m: 24 }]);
  expect(await indexBuildsIn('create unique index if not exists x on s.t (lower(a)); create index on t (b)')).toEqual([
    { table: 's.t', column: undefined, method: 'btree', m: 16 },
    { table: 'public.t', column: 'b', method: 'btree', m: 16 },
  ]);
});

it('statements that build nothing, or that do not parse, build nothing', async () => {
  expect(await indexBuildsIn("select 'create index'")).toEqual([]);
  expect(await indexBuildsIn('create index on')).toEqual([]);
  expect(await indexBuildsIn('ALTER TABLE t ADD COLUMN c int')).toEqual([]);
});
