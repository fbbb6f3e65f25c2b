// Where on the chain a database without our history stands. Pure: the live
// catalog and the expected catalog of every point in, one decision out.
import { type CatalogComparison, compareCatalogs, matches, objectOf } from './expected-catalog.ts';

export interface ChainPoint {
  /** the migration after which the database is at this point */
  name: string;
  catalog: ReadonlySet<string>;
  /** Alembic revisions whose schema is this point (MnemoLite's own history) */
  alembic: readonly string[];
}

export type PointChoice =
  /** nothing but extensions is there: run every migration */
  | { kind: 'empty'; unknown: string[] }
  /** stamp the migrations up to and including `index`, then apply the rest; `unknown`: objects no migration makes */
  | { kind: 'point'; index: number; unknown: string[] }
  | { kind: 'unknown-revision'; revision: string; known: string[] }
  | { kind: 'no-match'; nearest: { name: string; comparison: CatalogComparison; conflicts: string[] } };

// Objects a later migration creates "if not exists", or that an administrator
// commonly creates first: present early, they are no conflict.
const HARMLESS_EARLY = new Set(['extension', 'schema']);

/**
 * Candidates are every point (and the empty database), or, when `alembic_version`
 * names a revision, the points MnemoLite's history places at that revision. The
 * chosen candidate has every expected object exactly as expected, no object a later
 * migration would create (but views it re-creates identically: MnemoLite's monitoring
 * views come last in the chain, so databases whose init was cut short reach head too),
 * and the fewest objects the chain does not expect; among equals the earliest, so
 * re-runnable steps between identical points run again.
 */
export function choosePoint(
  points: readonly ChainPoint[],
  live: readonly string[],
  alembicRevision?: string,
): PointChoice {
  const candidates = alembicRevision === undefined ? [-1, ...points.keys()] : pointsAtRevision(points, alembicRevision);
  if (alembicRevision !== undefined && candidates.length === 0) {
    return {
      kind: 'unknown-revision',
      revision: alembicRevision,
      known: [...new Set(points.flatMap((p) => p.alembic))],
    };
  }
  const firstCreated = firstPointOfEachObject(points);
  const views = new Set(
    points.flatMap((point) =>
      [...point.catalog].filter((line) => line.startsWith('view ')).map((line) => relationOf(objectOf(line))),
    ),
  );
  let best: { index: number; extra: number; unknown: string[] } | undefined;
  let nearest: (PointChoice & { kind: 'no-match' })['nearest'] | undefined;
  let nearestScore = Number.POSITIVE_INFINITY;

  for (const index of candidates) {
    const comparison = compareCatalogs(index < 0 ? [] : points[index]!.catalog, live);
    const conflicts = comparison.extra.filter((line) => {
      const object = objectOf(line);
      const kind = object.split(' ')[0]!;
      if (HARMLESS_EARLY.has(kind)) return false;
      // before the first migration nothing but extensions may be there (another application's
      // database is not an empty one); after it, nothing a later migration creates...
      const created = firstCreated.get(object);
      if (index >= 0 && (created === undefined || created.index <= index)) return false;
      // ...except a view exactly as the chain will define it: it is re-created in place
      return !(created?.line === line && views.has(relationOf(object)));
    });
    if (matches(comparison) && conflicts.length === 0) {
      if (!best || comparison.extra.length < best.extra) {
        best = {
          index,
          extra: comparison.extra.length,
          unknown: comparison.extra.filter((line) => !firstCreated.has(objectOf(line))),
        };
      }
      continue;
    }
    const score = comparison.missing.length + comparison.different.length + conflicts.length;
    if (index >= 0 && score < nearestScore) {
      nearestScore = score;
      nearest = { name: points[index]!.name, comparison, conflicts };
    }
  }
  if (best)
    return best.index < 0
      ? { kind: 'empty', unknown: best.unknown }
      : { kind: 'point', index: best.index, unknown: best.unknown };
  return { kind: 'no-match', nearest: nearest! };
}

/** Points whose latest Alembic revision (at or before them) is `revision`. */
function pointsAtRevision(points: readonly ChainPoint[], revision: string): number[] {
  const found: number[] = [];
  let current: readonly string[] = [];
  points.forEach((point, index) => {
    if (point.alembic.length > 0) current = point.alembic;
    if (current.includes(revision)) found.push(index);
  });
  return found;
}

function firstPointOfEachObject(points: readonly ChainPoint[]): Map<string, { index: number; line: string }> {
  const first = new Map<string, { index: number; line: string }>();
  points.forEach((point, index) => {
    for (const line of point.catalog) {
      const object = objectOf(line);
      if (!first.has(object)) first.set(object, { index, line });
    }
  });
  return first;
}

/** The table or view an object belongs to: `column public.v.c`, `comment view public.v` -> `public.v`. */
function relationOf(object: string): string {
  const [kind, ...rest] = object.split(' ');
  const name = kind === 'comment' ? rest.slice(1).join(' ') : rest.join(' ');
  const subject = kind === 'comment' ? rest[0] : kind;
  return subject === 'column' ? name.slice(0, name.lastIndexOf('.')) : name;
}
