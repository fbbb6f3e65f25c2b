// New tables are made whole in the change: they are empty, so their indexes are
// plain and their foreign keys validated at once. A dropped table is destructive;
// its down makes it again, empty, with what was on it.
import * as sql from './object-sql.ts';
import type { PlanBuilder } from './plan-builder.ts';
import type { SchemaPair, Side } from './schema-pair.ts';

export function planTables(pair: SchemaPair, plan: PlanBuilder): void {
  for (const table of pair.of(pair.want, 'table').filter((t) => pair.isNewTable(t.name))) {
    if (!table.plain) {
      plan.unsupported(table);
      continue;
    }
    const [create, foreignKeys] = makeTable(pair, pair.want, table.name);
    plan.change.add('table', [create], [`DROP TABLE ${table.name}`]);
    for (const fk of foreignKeys)
      plan.change.add('constraint', [sql.addConstraint(fk, !fk.validated)], [sql.dropConstraint(fk)]);
    plan.change.add('index', plainIndexes(pair, pair.want, table.name), []);
    const comments = pair.commentsWithin(pair.want, table.name);
    plan.change.add(
      'comment',
      comments.map((c) => sql.setComment(c, c.text)),
      [],
    );
    for (const c of comments) plan.commentsWritten.add(c.key);
  }

  for (const table of pair.of(pair.head, 'table').filter((t) => pair.isDroppedTable(t.name))) {
    const [create, foreignKeys] = makeTable(pair, pair.head, table.name);
    plan.destructive.add(
      'drop-table',
      [`DROP TABLE ${table.name}`],
      [
        create,
        ...foreignKeys.map((fk) => sql.addConstraint(fk, !fk.validated)),
        ...plainIndexes(pair, pair.head, table.name),
        ...pair
          .of(pair.head, 'trigger')
          .filter((t) => t.table === table.name)
          .map((t) => t.definition),
        ...pair.commentsWithin(pair.head, table.name).map((c) => sql.setComment(c, c.text)),
      ],
    );
    plan.refuse(
      table.line,
      'DROP TABLE: its rows are gone for good',
      'stop using it in the API a release earlier',
      true,
    );
  }
}

/** CREATE TABLE with its columns and every constraint but foreign keys, which come after all tables exist. */
function makeTable(pair: SchemaPair, side: Side, table: string) {
  const constraints = pair.constraintsOf(side, table);
  const create = sql.createTable(
    table,
    pair.columnsOf(side, table),
    constraints.filter((c) => c.type !== 'foreign-key'),
  );
  return [create, constraints.filter((c) => c.type === 'foreign-key')] as const;
}

function plainIndexes(pair: SchemaPair, side: Side, table: string): string[] {
  return pair
    .of(side, 'index')
    .filter((i) => i.table === table && !pair.backsConstraint(side, i))
    .map((i) => i.definition);
}
