// Expected catalogs: deltas written beside the migrations, folded into the catalog at each point.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compareCatalogs,
  describeDifferences,
  formatDelta,
  normalise,
  objectOf,
  parseDelta,
  readExpectedCatalogs,
} from '../../src/chain/expected-catalog.ts';
import { ConfigError } from '../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'mm-expected-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => ({ name, path: join(dir, `${name}.ts`), checksum: '', formerChecksums: [] });

describe('expected catalogs', () => {
  it('a delta round-trips, sorted, without optional lines', () => {
    const text = formatDelta(
      '2_x',
      ['table public.a', 'schema partman'],
      ['table public.b', 'table public.a2', 'extension pg_partman schema=partman'],
    );
    expect(text.split('\n').slice(1)).toEqual(['- table public.a', '+ table public.a2', '+ table public.b', '']);
    expect(parseDelta(text, '2_x')).toEqual({
      added: ['table public.a2', 'table public.b'],
      removed: ['table public.a'],
    });
  });
  it('a line that is neither added nor removed is a configuration error naming the file', () => {
    expect(() => parseDelta('+ a\nwhat\n', '3_y')).toThrow(ConfigError);
    expect(() => parseDelta('+ a\nwhat\n', '3_y')).toThrow(/3_y, line 2/);
  });
  it('folds deltas into the catalog at each point, and stops where a migration has none', () => {
    mkdirSync(join(dir, 'expected'), { recursive: true });
    writeFileSync(join(dir, 'expected', '1_a.txt'), '+ table public.a\n+ table public.b\n');
    writeFileSync(join(dir, 'expected', '2_b.txt'), '- table public.b\n+ table public.c\n');
    const expected = readExpectedCatalogs(dir, [file('1_a'), file('2_b'), file('3_c')]);
    expect(expected.points.map((p) => [p.name, [...p.catalog].sort()])).toEqual([
      ['1_a', ['table public.a', 'table public.b']],
      ['2_b', ['table public.a', 'table public.c']],
    ]);
    expect(expected.unknownFrom).toBe('3_c');
  });
  it('names the object of each kind of line', () => {
    expect(
      [
        "column public.t.c text null default='a: b'::text",
        'comment column public.t.c: note',
        'function public.f(a integer, b text): CREATE OR REPLACE FUNCTION',
        'extension vector schema=public',
        'sequence public.s type=bigint start=1',
        'view public.v: SELECT 1',
      ].map(objectOf),
    ).toEqual([
      'column public.t.c',
      'comment column public.t.c',
      'function public.f(a integer, b text)',
      'extension vector',
      'sequence public.s',
      'view public.v',
    ]);
  });
  it('a CHECK restored from pg_dump equals the one its SQL made', () => {
    const made =
      "constraint public.a.t check: CHECK (((s)::text = ANY ((ARRAY['x'::character varying, 'it''s'::character varying])::text[])))";
    const restored =
      "constraint public.a.t check: CHECK (((s)::text = ANY (ARRAY[('x'::character varying)::text, ('it''s'::character varying)::text])))";
    expect(normalise(restored)).toBe(made);
    expect(compareCatalogs([made], [restored])).toEqual({ missing: [], different: [], extra: [] });
    expect(compareCatalogs([made], [restored.replace("'x'", "'y'")]).different).toHaveLength(1);
  });
  it('compares by object: missing, different, extra', () => {
    const comparison = compareCatalogs(
      [
        'index public.t.i: CREATE INDEX i ON public.t USING btree (a)',
        'column public.t.a integer null',
        'table public.t',
      ],
      [
        'index public.t.i: CREATE INDEX i ON public.t USING btree (b)',
        'table public.t',
        'trigger public.t.x: CREATE TRIGGER x',
      ],
    );
    expect(comparison).toEqual({
      missing: ['column public.t.a integer null'],
      different: [
        [
          'index public.t.i: CREATE INDEX i ON public.t USING btree (a)',
          'index public.t.i: CREATE INDEX i ON public.t USING btree (b)',
        ],
      ],
      extra: ['trigger public.t.x: CREATE TRIGGER x'],
    });
    expect(describeDifferences(comparison)).toEqual([
      'missing: column public.t.a integer null',
      'different: index public.t.i: CREATE INDEX i ON public.t USING btree (b)',
      '  expected: index public.t.i: CREATE INDEX i ON public.t USING btree (a)',
    ]);
  });
});
