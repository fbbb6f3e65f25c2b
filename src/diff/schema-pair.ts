// The two catalogs `diff` compares, the chain's head and the desired schema,
// with the questions every planning rule asks of them.
import { isOptional, normalise } from '../chain/expected-catalog.ts';
import {
  type CatalogObject,
  type Column,
  type Comment,
  type Constraint,
  type Index,
  objectsByKey,
  splitLast,
} from './catalog-objects.ts';

export type Side = Map<string, CatalogObject>;
/** Whole definitions of what the catalog folds onto a line, by object (`function public.f()`, `view public.v`). */
export type Definitions = Readonly<Record<string, string>>;
export type Of<K extends CatalogObject['kind']> = Extract<CatalogObject, { kind: K }>;

export class SchemaPair {
  readonly head: Side;
  readonly want: Side;
  private readonly views: Set<string>;

  constructor(head: readonly string[], desired: readonly string[]) {
    // what the chain leaves optional (pg_partman) is neither made nor dropped
    this.head = objectsByKey(head.filter((line) => !isOptional(line)));
    this.want = objectsByKey(desired.filter((line) => !isOptional(line)));
    this.views = new Set([...this.of(this.head, 'view'), ...this.of(this.want, 'view')].map((v) => v.name));
  }

  of<K extends CatalogObject['kind']>(side: Side, kind: K): Of<K>[] {
    return [...side.values()].filter((o): o is Of<K> => o.kind === kind);
  }

  /** Keys of the objects of one kind on either side, each once. */
  keys(kind: CatalogObject['kind']): string[] {
    return [...new Set([...this.of(this.head, kind), ...this.of(this.want, kind)].map((o) => o.key))];
  }

  isNewTable(table: string): boolean {
    return !this.head.has(`table ${table}`) && this.want.has(`table ${table}`);
  }

  isDroppedTable(table: string): boolean {
    return this.head.has(`table ${table}`) && !this.want.has(`table ${table}`);
  }

  isView(relation: string): boolean {
    return this.views.has(relation);
  }

  /** The same object, the same definition (`col IN (…)` CHECKs compared as PostgreSQL stores them). */
  unchanged(before: CatalogObject | undefined, after: CatalogObject | undefined): boolean {
    return !!before && !!after && (before.line === after.line || normalise(before.line) === normalise(after.line));
  }

  /** A table's columns in their order. */
  columnsOf(side: Side, table: string): Column[] {
    const order = side.get(`column-order ${table}`)?.line.split(': ')[1]?.split(',') ?? [];
    return order.map((name) => side.get(`column ${table}.${name}`) as Column);
  }

  constraintsOf(side: Side, table: string): Constraint[] {
    return this.of(side, 'constraint').filter((c) => c.table === table);
  }

  /** The unique index a primary key or unique constraint is made with: it goes with the constraint. */
  backsConstraint(side: Side, index: Index): boolean {
    return this.constraintsOf(side, index.table).some((c) => c.name === splitLast(index.name)[1]);
  }

  commentsOn(side: Side, on: Comment['on'], target: string): Comment[] {
    return this.of(side, 'comment').filter((c) => c.on === on && c.target === target);
  }

  /** Comments on a table or view and on its columns. */
  commentsWithin(side: Side, relation: string): Comment[] {
    return this.of(side, 'comment').filter((c) => relationOf(c) === relation);
  }
}

export function relationOf(comment: Comment): string | undefined {
  if (comment.on === 'table' || comment.on === 'view') return comment.target;
  if (comment.on === 'column') return splitLast(comment.target)[0];
  return undefined;
}
