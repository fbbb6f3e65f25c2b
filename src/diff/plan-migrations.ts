// From the chain's head to a desired schema, as migrations that are safe on a
// live MnemoLite: what the chain's own migrations do by hand, done by
// construction. The change goes in one transaction; each index on an existing
// table is built CONCURRENTLY in a migration of its own; a new foreign key or
// CHECK is added NOT VALID and validated in another; SET NOT NULL goes through
// a validated CHECK. What loses data or rewrites a table goes last, only when
// allowed; what has no safe form is refused with the reason and the safe way.
import { PlanBuilder } from './plan-builder.ts';
import { planColumns } from './plan-columns.ts';
import { planConstraints } from './plan-constraints.ts';
import { planIndexes } from './plan-indexes.ts';
import { planOtherObjects } from './plan-other-objects.ts';
import { planRoutines } from './plan-routines.ts';
import { planTables } from './plan-tables.ts';
import { planViews } from './plan-views.ts';
import type { DiffPlan } from './planned-migration.ts';
import { type Definitions, SchemaPair } from './schema-pair.ts';

export interface DiffInput {
  /** catalog lines of the chain at its head, and of the desired schema */
  head: readonly string[];
  desired: readonly string[];
  definitions: { head: Definitions; desired: Definitions };
}

export function planMigrations({ head, desired, definitions }: DiffInput): DiffPlan {
  const pair = new SchemaPair(head, desired);
  const plan = new PlanBuilder();
  planTables(pair, plan);
  planColumns(pair, plan); // before views: they are made again around the columns that change shape
  planConstraints(pair, plan);
  planIndexes(pair, plan);
  planRoutines(pair, plan, definitions);
  planViews(pair, plan, definitions);
  planOtherObjects(pair, plan); // last: comments the rules above did not write
  return plan.result();
}
