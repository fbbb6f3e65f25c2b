// Indexes of tables on both sides, one migration each, outside a transaction:
// built and dropped CONCURRENTLY, so writes go on. An interrupted build leaves
// an invalid index, which the first statement of the rerun drops. Indexes made
// by a constraint go with it; those of new tables are made with the table.
import type { Index } from './catalog-objects.ts';
import * as sql from './object-sql.ts';
import { fileWord, type PlanBuilder } from './plan-builder.ts';
import type { SchemaPair, Side } from './schema-pair.ts';

export function planIndexes(pair: SchemaPair, plan: PlanBuilder): void {
  for (const key of pair.keys('index')) {
    const before = pair.head.get(key) as Index | undefined;
    const after = pair.want.get(key) as Index | undefined;
    const index = (after ?? before)!;
    if (pair.isNewTable(index.table) || pair.isDroppedTable(index.table) || pair.unchanged(before, after)) continue;
    if ((after && pair.backsConstraint(pair.want, after)) || (before && pair.backsConstraint(pair.head, before)))
      continue;
    const comments = (side: Side) => {
      const on = pair.commentsOn(side, 'index', index.name);
      for (const c of on) plan.commentsWritten.add(c.key);
      return on.map((c) => sql.setComment(c, c.text));
    };
    plan.builds.push({
      suffix: `${after ? '' : 'drop-'}${fileWord(index.name)}`,
      transaction: false,
      about: `${after ? 'builds' : 'drops'} ${index.name} CONCURRENTLY, so writes to ${index.table} go on; an interrupted build leaves an invalid index, which the first statement drops before building it again`,
      up: [
        sql.dropIndexConcurrently(index),
        ...(after ? [sql.createIndexConcurrently(after), ...comments(pair.want)] : []),
      ],
      down: [
        sql.dropIndexConcurrently(index),
        ...(before ? [sql.createIndexConcurrently(before), ...comments(pair.head)] : []),
      ],
      destructive: false,
    });
  }
}
