// Where a database without history stands on the chain: decided from catalogs alone.
import { describe, expect, it } from 'vitest';
import { type ChainPoint, choosePoint } from '../src/adoption-point.ts';

const point = (name: string, lines: string[], alembic: string[] = []): ChainPoint => ({
  name,
  catalog: new Set(lines),
  alembic,
});
const ext = 'extension vector schema=public';
const events = ['table public.events', 'column public.events.id uuid not-null'];
const views = [
  'view public.v: SELECT 1',
  'column public.v.one integer null',
  'column-order public.v: one',
  'comment view public.v: monitoring',
];
const chunks = ['table public.code_chunks', 'column public.code_chunks.id uuid not-null'];
const memories = ['table public.memories'];
// baseline -> init (views) -> code chunks (alembic a40a) -> hand SQL (memories, alembic still a40a) -> seed (same catalog)
const chain = [
  point('1_baseline', [ext, ...events]),
  point('2_init', [ext, ...events, ...views], ['9dde']),
  point('3_chunks', [ext, ...events, ...views, ...chunks], ['a40a']),
  point('4_memories', [ext, ...events, ...views, ...chunks, ...memories]),
  point('5_seed', [ext, ...events, ...views, ...chunks, ...memories], ['b7c2']),
];

describe('choosePoint', () => {
  it('an empty database runs everything', () => {
    expect(choosePoint(chain, [])).toEqual({ kind: 'empty', unknown: [] });
  });
  it('extensions created beforehand are no reason to refuse an empty database', () => {
    expect(choosePoint(chain, [ext, 'extension pg_stat_statements schema=public'])).toEqual({
      kind: 'empty',
      unknown: ['extension pg_stat_statements schema=public'],
    });
  });
  it('finds the point a catalog equals, without alembic_version', () => {
    expect(choosePoint(chain, [ext, ...events, ...views])).toEqual({ kind: 'point', index: 1, unknown: [] });
  });
  it('among points with the same catalog, takes the earliest (re-runnable steps run again)', () => {
    expect(choosePoint(chain, [ext, ...events, ...views, ...chunks, ...memories])).toMatchObject({
      kind: 'point',
      index: 3,
    });
  });
  it('with an Alembic revision, looks only at the points of that revision', () => {
    expect(choosePoint(chain, [ext, ...events, ...views, ...chunks], 'a40a')).toMatchObject({
      kind: 'point',
      index: 2,
    });
    expect(choosePoint(chain, [ext, ...events, ...views, ...chunks, ...memories], 'a40a')).toMatchObject({
      kind: 'point',
      index: 3,
    });
  });
  it('an Alembic revision whose catalog is not there is no match, and says the nearest point', () => {
    const choice = choosePoint(chain, [ext, ...events], 'a40a');
    expect(choice.kind).toBe('no-match');
    if (choice.kind !== 'no-match') return;
    expect(choice.nearest.name).toBe('3_chunks');
    expect(choice.nearest.comparison.missing).toEqual(expect.arrayContaining([...views, ...chunks]));
  });
  it('an unknown Alembic revision is named, with the known ones', () => {
    expect(choosePoint(chain, events, 'ffff')).toEqual({
      kind: 'unknown-revision',
      revision: 'ffff',
      known: ['9dde', 'a40a', 'b7c2'],
    });
  });
  it('tables of another application are not an empty database', () => {
    const choice = choosePoint(chain, ['table public.invoices']);
    expect(choice.kind).toBe('no-match');
  });
  it('objects the chain does not know are allowed and reported', () => {
    const extra = 'table public.my_notes';
    expect(choosePoint(chain, [ext, ...events, ...views, extra])).toEqual({
      kind: 'point',
      index: 1,
      unknown: [extra],
    });
  });
  it('refuses a point when the database already has objects a later migration creates', () => {
    // memories without code_chunks: replaying the chain from init would fail half way
    const choice = choosePoint(chain, [ext, ...events, ...views, ...memories]);
    expect(choice.kind).toBe('no-match');
    if (choice.kind === 'no-match') expect(choice.nearest.conflicts).toEqual(memories);
  });
  it('a column of another type is a difference, not a match', () => {
    const choice = choosePoint(chain, [ext, 'table public.events', 'column public.events.id text not-null']);
    expect(choice.kind).toBe('no-match');
    if (choice.kind === 'no-match') {
      expect(choice.nearest.name).toBe('1_baseline');
      expect(choice.nearest.comparison.different).toEqual([
        ['column public.events.id uuid not-null', 'column public.events.id text not-null'],
      ]);
    }
  });
  it('a view that a later migration re-creates identically may be there early; another definition is a conflict', () => {
    const withView = [
      point('1_a', [ext, ...events]),
      point('2_b', [ext, ...events, ...chunks], ['a40a']),
      point('3_views', [ext, ...events, ...chunks, ...views]),
    ];
    expect(choosePoint(withView, [ext, ...events, ...views])).toEqual({ kind: 'point', index: 0, unknown: [] });
    expect(choosePoint(withView, [ext, ...events, ...chunks, ...views], 'a40a')).toEqual({
      kind: 'point',
      index: 2,
      unknown: [],
    });
    const other = choosePoint(withView, [ext, ...events, 'view public.v: SELECT 2']);
    expect(other.kind).toBe('no-match');
  });
  it('pg_partman and its schema are optional either way', () => {
    const partman = ['extension pg_partman schema=partman', 'schema partman'];
    expect(choosePoint(chain, [ext, ...events, ...partman])).toEqual({ kind: 'point', index: 0, unknown: [] });
  });
});
