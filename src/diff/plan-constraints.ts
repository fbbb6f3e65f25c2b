// Constraints of tables on both sides. A foreign key or CHECK goes in NOT
// VALID and is validated in a migration of its own; a primary key or unique
// constraint takes over a unique index built CONCURRENTLY. Dropping a foreign
// key or CHECK is destructive: its down checks every row again under lock.
import type { Constraint, Index } from './catalog-objects.ts';
import * as sql from './object-sql.ts';
import { fileWord, type PlanBuilder } from './plan-builder.ts';
import type { PlannedMigration } from './planned-migration.ts';
import type { SchemaPair } from './schema-pair.ts';

export function planConstraints(pair: SchemaPair, plan: PlanBuilder): void {
  const onBoth = (c: Constraint) => !pair.isNewTable(c.table) && !pair.isDroppedTable(c.table);
  for (const constraint of pair.of(pair.want, 'constraint').filter(onBoth)) {
    const before = pair.head.get(constraint.key) as Constraint | undefined;
    if (pair.unchanged(before, constraint)) continue;
    if (before && before.definition === constraint.definition && !before.validated && constraint.validated) {
      plan.validations.push(validation(constraint));
      continue;
    }
    if (before) dropConstraint(pair, plan, before);
    addConstraint(pair, plan, constraint);
  }
  for (const constraint of pair.of(pair.head, 'constraint').filter((c) => onBoth(c) && !pair.want.has(c.key)))
    dropConstraint(pair, plan, constraint);
}

const usingIndex = (c: Constraint) =>
  `ALTER TABLE ${c.table} ADD CONSTRAINT ${c.name} ${c.type === 'unique' ? 'UNIQUE' : 'PRIMARY KEY'} USING INDEX ${c.name}`;
const indexOf = (side: Map<string, unknown>, c: Constraint) => side.get(`index ${c.table}.${c.name}`) as Index;

function addConstraint(pair: SchemaPair, plan: PlanBuilder, constraint: Constraint): void {
  if (constraint.type === 'foreign-key' || constraint.type === 'check') {
    plan.change.add('constraint', [sql.addConstraint(constraint, true)], [sql.dropConstraint(constraint)]);
    if (constraint.validated) plan.validations.push(validation(constraint));
  } else if (constraint.type === 'primary-key' || constraint.type === 'unique') {
    const index = indexOf(pair.want, constraint);
    plan.builds.push({
      suffix: `${fileWord(constraint.table)}-${fileWord(constraint.name)}`,
      transaction: false,
      about: `${constraint.name}: its unique index is built CONCURRENTLY (writes go on), then the constraint takes it over`,
      up: [sql.dropIndexConcurrently(index), sql.createIndexConcurrently(index), usingIndex(constraint)],
      down: [sql.dropConstraint(constraint)],
      destructive: false,
    });
  } else plan.unsupported(constraint);
}

function dropConstraint(pair: SchemaPair, plan: PlanBuilder, constraint: Constraint): void {
  if (constraint.type === 'primary-key' || constraint.type === 'unique') {
    plan.builds.push({
      suffix: `${fileWord(constraint.table)}-drop-${fileWord(constraint.name)}`,
      transaction: false,
      about: `drops ${constraint.name}; its down builds the index CONCURRENTLY again`,
      up: [sql.dropConstraint(constraint)],
      down: [sql.createIndexConcurrently(indexOf(pair.head, constraint)), usingIndex(constraint)],
      destructive: false,
    });
    return;
  }
  plan.destructive.add(
    'drop-constraint',
    [sql.dropConstraint(constraint)],
    [sql.addConstraint(constraint, !constraint.validated)],
  );
  plan.refuse(
    constraint.line,
    'dropping it is safe, but its down adds it again with a scan under lock',
    'keep the constraint, or accept that a rollback blocks the table',
    true,
  );
}

function validation(constraint: Constraint): PlannedMigration {
  return {
    suffix: `${fileWord(constraint.table)}-${fileWord(constraint.name)}-validate`,
    transaction: true,
    about: `validates ${constraint.name} apart from the transaction that added it: VALIDATE scans ${constraint.table} under a lock that lets reads and writes go on`,
    up: [sql.validateConstraint(constraint)],
    // PostgreSQL cannot un-validate a constraint: add it again NOT VALID (no scan)
    down: [sql.dropConstraint(constraint), sql.addConstraint(constraint, true)],
    destructive: false,
  };
}
