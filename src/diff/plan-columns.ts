// Columns of tables on both sides. Added ones go at the end, in the desired
// order; a NOT NULL without a default is refused; SET NOT NULL goes through a
// validated CHECK; type changes, drops and a dropped NOT NULL are destructive.
import type { Column, Constraint } from './catalog-objects.ts';
import { splitLast } from './catalog-objects.ts';
import * as sql from './object-sql.ts';
import { fileWord, type PlanBuilder } from './plan-builder.ts';
import type { SchemaPair } from './schema-pair.ts';

export function planColumns(pair: SchemaPair, plan: PlanBuilder): void {
  const onBoth = (c: Column) => !pair.isView(c.table) && !pair.isNewTable(c.table) && !pair.isDroppedTable(c.table);
  const position = (c: Column) => pair.columnsOf(pair.want, c.table).findIndex((other) => other?.name === c.name);
  const desired = pair
    .of(pair.want, 'column')
    .filter(onBoth)
    .toSorted((a, b) => (a.table === b.table ? position(a) - position(b) : 0));
  for (const column of desired) {
    const before = pair.head.get(column.key) as Column | undefined;
    if (!before) addColumn(plan, column);
    else if (!pair.unchanged(before, column)) alterColumn(plan, before, column);
  }
  for (const column of pair.of(pair.head, 'column').filter((c) => onBoth(c) && !pair.want.has(c.key))) {
    const comments = pair.commentsOn(pair.head, 'column', `${column.table}.${column.name}`);
    plan.destructive.add(
      'column',
      [sql.dropColumn(column)],
      [sql.addColumn(column), ...comments.map((c) => sql.setComment(c, c.text))],
    );
    for (const c of comments) plan.commentsWritten.add(c.key);
    plan.reshaped.add(column.table);
    plan.refuse(
      column.line,
      'DROP COLUMN: its values are gone for good',
      'stop using it in the API a release earlier',
      true,
    );
  }
}

function addColumn(plan: PlanBuilder, column: Column): void {
  if (column.notNull && !column.default && !column.generated && !column.identity) {
    plan.refuse(
      column.line,
      'ADD COLUMN … NOT NULL without a DEFAULT fails on any table that has rows',
      'add it nullable (or with a DEFAULT) now, backfill it, then make it NOT NULL in a later change: diff writes the validated CHECK for that',
    );
    return;
  }
  plan.change.add('column', [sql.addColumn(column)], [sql.dropColumn(column)]);
  plan.addedColumns.push(`${column.table}.${column.name}`);
}

function alterColumn(plan: PlanBuilder, before: Column, column: Column): void {
  const alter = (c: Column, what: string) => `ALTER TABLE ${c.table} ALTER COLUMN ${c.name} ${what}`;
  if (before.type !== column.type || before.collate !== column.collate) {
    const type = (c: Column) => `${c.type}${c.collate ? ` COLLATE ${c.collate}` : ''} USING ${c.name}::${c.type}`;
    plan.destructive.add('column', [alter(column, `TYPE ${type(column)}`)], [alter(before, `TYPE ${type(before)}`)]);
    plan.reshaped.add(column.table);
    plan.refuse(
      column.line,
      `the type changes from ${before.type}: unless the two are binary-compatible (varchar(n) to text), the table and its indexes are rewritten under an ACCESS EXCLUSIVE lock`,
      'add a column of the new type, backfill it, switch the API, drop the old one later',
      true,
    );
  }
  if (before.generated !== column.generated || before.identity !== column.identity) {
    if (!before.generated || !column.generated) {
      plan.unsupported(column);
      return;
    }
    plan.destructive.add(
      'column',
      [alter(column, `SET EXPRESSION AS (${column.generated})`)],
      [alter(before, `SET EXPRESSION AS (${before.generated})`)],
    );
    plan.refuse(
      column.line,
      'a new generation expression rewrites the table under an ACCESS EXCLUSIVE lock',
      'add a new generated column and switch the API to it',
      true,
    );
    return;
  }
  if (before.default !== column.default) {
    const setDefault = (c: Column) => alter(c, c.default ? `SET DEFAULT ${c.default}` : 'DROP DEFAULT');
    plan.change.add('column', [setDefault(column)], [setDefault(before)]);
  }
  if (!before.notNull && column.notNull) setNotNull(plan, column);
  else if (before.notNull && !column.notNull) {
    plan.destructive.add('column', [alter(column, 'DROP NOT NULL')], [alter(column, 'SET NOT NULL')]);
    plan.refuse(
      column.line,
      'its down sets NOT NULL again, which scans the table under an ACCESS EXCLUSIVE lock',
      'keep the column NOT NULL, or accept that a rollback blocks the table',
      true,
    );
  }
}

// CHECK (col IS NOT NULL) NOT VALID in the change; then, apart, VALIDATE (writes go on), SET NOT NULL
// (PostgreSQL skips the scan the validated CHECK proves) and the CHECK dropped
function setNotNull(plan: PlanBuilder, column: Column): void {
  const check: Constraint = {
    key: '',
    line: '',
    kind: 'constraint',
    table: column.table,
    name: `${splitLast(column.table)[1]}_${column.name}_not_null_check`.replaceAll('"', '').slice(0, 63),
    type: 'check',
    definition: `CHECK (${column.name} IS NOT NULL)`,
    validated: false,
  };
  const alter = (what: string) => `ALTER TABLE ${column.table} ALTER COLUMN ${column.name} ${what}`;
  plan.change.add('constraint', [sql.addConstraint(check, true)], [sql.dropConstraint(check)]);
  plan.notNulls.push({
    suffix: `${fileWord(column.table)}-${fileWord(column.name)}-not-null`,
    transaction: true,
    about: `${column.table}.${column.name} NOT NULL: the CHECK added NOT VALID before is validated (no write is blocked), so SET NOT NULL needs no scan`,
    up: [sql.validateConstraint(check), alter('SET NOT NULL'), sql.dropConstraint(check)],
    down: [sql.addConstraint(check, true), alter('DROP NOT NULL')],
    destructive: false,
  });
}
