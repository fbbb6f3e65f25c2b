// Schemas, extensions, types and sequences: made in the change, dropped only
// as destructive; changed ones are written by hand. Comments last: set, or set
// back by the down, unless the rule of the object they are on wrote them.
import { type Comment, splitLast } from './catalog-objects.ts';
import * as sql from './object-sql.ts';
import type { PlanBuilder } from './plan-builder.ts';
import type { Of, SchemaPair } from './schema-pair.ts';

export function planOtherObjects(pair: SchemaPair, plan: PlanBuilder): void {
  for (const kind of ['schema', 'extension', 'type', 'sequence'] as const) {
    for (const key of pair.keys(kind)) {
      const before = pair.head.get(key);
      const after = pair.want.get(key);
      if (pair.unchanged(before, after)) continue;
      if (before && after) plan.unsupported(after);
      else if (after) make(pair, plan, after as Of<typeof kind>);
      else drop(pair, plan, before as Of<typeof kind>);
    }
  }
  for (const key of pair.keys('comment')) {
    const before = pair.head.get(key) as Comment | undefined;
    const after = pair.want.get(key) as Comment | undefined;
    const comment = (after ?? before)!;
    if (pair.unchanged(before, after) || plan.commentsWritten.has(key) || onDropped(pair, comment)) continue;
    plan.change.add('comment', [sql.setComment(comment, after?.text)], [sql.setComment(comment, before?.text)]);
  }
}

type Made = Of<'schema'> | Of<'extension'> | Of<'type'> | Of<'sequence'>;

function statements(pair: SchemaPair, object: Made): { create: string[]; drop: string } | undefined {
  switch (object.kind) {
    case 'schema':
      return { create: [`CREATE SCHEMA ${object.name}`], drop: `DROP SCHEMA ${object.name}` };
    case 'extension':
      return {
        create: [`CREATE EXTENSION ${object.name} WITH SCHEMA ${object.schema}`],
        drop: `DROP EXTENSION ${object.name}`,
      };
    case 'type': {
      const create = sql.createType(object.name, object.variety, object.body);
      return create
        ? { create: [create], drop: `DROP ${object.variety === 'domain' ? 'DOMAIN' : 'TYPE'} ${object.name}` }
        : undefined;
    }
    case 'sequence': {
      const owner = object.ownedBy
        ? (pair.want.get(`column ${object.ownedBy}`) ?? pair.head.get(`column ${object.ownedBy}`))
        : undefined;
      if (owner?.kind === 'column' && owner.identity) return { create: [], drop: '' }; // made and dropped with its identity column
      return { create: [sql.createSequence(object.name, object.options)], drop: `DROP SEQUENCE ${object.name}` };
    }
  }
}

function make(pair: SchemaPair, plan: PlanBuilder, object: Made): void {
  const made = statements(pair, object);
  if (!made) {
    plan.unsupported(object);
    return;
  }
  if (made.create.length === 0) return;
  plan.change.add(object.kind, made.create, [made.drop]);
  // a serial column's sequence: owned by the column once the table exists, let go of before the table is dropped
  if (object.kind === 'sequence' && object.ownedBy)
    plan.change.add(
      'owned-by',
      [`ALTER SEQUENCE ${object.name} OWNED BY ${object.ownedBy}`],
      [`ALTER SEQUENCE ${object.name} OWNED BY NONE`],
    );
}

const WHY_DESTRUCTIVE = {
  schema: 'DROP SCHEMA',
  extension: 'DROP EXTENSION: what it stores is gone',
  type: 'DROP TYPE',
  sequence: 'DROP SEQUENCE: its position is gone',
} as const;

function drop(pair: SchemaPair, plan: PlanBuilder, object: Made): void {
  // a sequence owned by a column that goes goes with it
  if (object.kind === 'sequence' && object.ownedBy && !pair.want.has(`column ${object.ownedBy}`)) return;
  const made = statements(pair, object);
  if (!made) {
    plan.unsupported(object);
    return;
  }
  if (made.create.length === 0) return;
  plan.destructive.add(`drop-${object.kind}`, [made.drop], made.create);
  plan.refuse(object.line, WHY_DESTRUCTIVE[object.kind], 'keep it', true);
}

function onDropped(pair: SchemaPair, comment: Comment): boolean {
  const gone = (key: string) => pair.head.has(key) && !pair.want.has(key);
  if (comment.on === 'column')
    return gone(`column ${comment.target}`) || pair.isDroppedTable(splitLast(comment.target)[0]);
  if (comment.on === 'table') return gone(`table ${comment.target}`);
  return false;
}
