// Functions (and procedures) from their whole definitions, before the tables
// that may use them; triggers after everything they fire on. The down puts
// back the definition the head had.
import * as sql from './object-sql.ts';
import type { PlanBuilder } from './plan-builder.ts';
import type { Definitions, Of, SchemaPair } from './schema-pair.ts';

export function planRoutines(
  pair: SchemaPair,
  plan: PlanBuilder,
  definitions: { head: Definitions; desired: Definitions },
): void {
  for (const fn of pair.of(pair.want, 'function')) {
    const before = pair.head.get(fn.key);
    if (pair.unchanged(before, fn)) continue;
    const definition = definitions.desired[fn.key];
    if (!definition) {
      plan.unsupported(fn);
      continue;
    }
    plan.change.add(
      'function',
      [definition],
      [before ? definitions.head[fn.key]! : sql.dropRoutine(fn.signature, definition)],
    );
  }
  for (const fn of pair.of(pair.head, 'function').filter((f) => !pair.want.has(f.key))) {
    const definition = definitions.head[fn.key]!;
    const comments = pair.commentsOn(pair.head, 'function', fn.signature);
    plan.change.add(
      'drop-function',
      [sql.dropRoutine(fn.signature, definition)],
      [definition, ...comments.map((c) => sql.setComment(c, c.text))],
    );
    for (const c of comments) plan.commentsWritten.add(c.key);
  }

  for (const key of pair.keys('trigger')) {
    const before = pair.head.get(key) as Of<'trigger'> | undefined;
    const after = pair.want.get(key) as Of<'trigger'> | undefined;
    if (pair.unchanged(before, after)) continue;
    if (before && !pair.isDroppedTable(before.table))
      plan.change.add('drop-trigger', [sql.dropTrigger(before.table, before.name)], [before.definition]);
    if (after) plan.change.add('trigger', [after.definition], [sql.dropTrigger(after.table, after.name)]);
  }
}
