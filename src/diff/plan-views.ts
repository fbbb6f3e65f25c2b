// Views are dropped and made again, never altered: a changed view, and a view
// that reads a table whose columns change type or go, which is dropped before
// that change and made again after it (in the destructive migration then).
// Views reading other views come after them.
import { splitLast } from './catalog-objects.ts';
import * as sql from './object-sql.ts';
import type { PlanBuilder } from './plan-builder.ts';
import type { Definitions, Of, SchemaPair, Side } from './schema-pair.ts';

export function planViews(
  pair: SchemaPair,
  plan: PlanBuilder,
  definitions: { head: Definitions; desired: Definitions },
): void {
  const readsReshaped = (view: Of<'view'>) => [...plan.reshaped].some((table) => mentions(view.definition, table));
  const toDrop = pair.of(pair.head, 'view').filter((v) => !pair.unchanged(v, pair.want.get(v.key)) || readsReshaped(v));
  const toMake = pair
    .of(pair.want, 'view')
    .filter((v) => !pair.head.has(v.key) || toDrop.some((d) => d.name === v.name));
  const into = (view: Of<'view'>) => (readsReshaped(view) ? plan.destructive : plan.change);
  const comments = (side: Side, view: string) => {
    const on = pair.commentsWithin(side, view);
    for (const c of on) plan.commentsWritten.add(c.key);
    return on.map((c) => sql.setComment(c, c.text));
  };
  for (const view of inDependencyOrder(toDrop).toReversed())
    into(view).add(
      'drop-view',
      [`DROP VIEW ${view.name}`],
      [createView(view, definitions.head), ...comments(pair.head, view.name)],
    );
  for (const view of inDependencyOrder(toMake))
    into(view).add(
      'view',
      [createView(view, definitions.desired), ...comments(pair.want, view.name)],
      [`DROP VIEW ${view.name}`],
    );
}

/** The view's query as pg_get_viewdef prints it, on its lines; the catalog's one line when it is not known. */
function createView(view: Of<'view'>, definitions: Definitions): string {
  const query = definitions[view.key]?.trim().replace(/;$/, '') ?? view.definition;
  return `CREATE VIEW ${view.name} AS\n${query}`;
}

function mentions(definition: string, relation: string): boolean {
  const name = splitLast(relation)[1].replaceAll('"', '');
  return new RegExp(`(^|[^\\w"])"?${name}"?($|[^\\w"])`).test(definition);
}

function inDependencyOrder(views: readonly Of<'view'>[]): Of<'view'>[] {
  const done: Of<'view'>[] = [];
  const pending = [...views];
  while (pending.length > 0) {
    const next = pending.findIndex((v) => !pending.some((other) => other !== v && mentions(v.definition, other.name)));
    done.push(...pending.splice(next === -1 ? 0 : next, 1));
  }
  return done;
}
