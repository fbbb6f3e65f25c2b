// What the planning rules write into: the change's transaction, the
// destructive one, the migrations of their own (index builds, validations,
// NOT NULLs), the refusals, and what the result holds.
import type { CatalogObject } from './catalog-objects.ts';
import type { DiffPlan, PlannedMigration, Refusal } from './planned-migration.ts';
import { TransactionSteps } from './transaction-steps.ts';

export class PlanBuilder {
  /** the change itself, in one transaction */
  readonly change = new TransactionSteps();
  /** what loses data, rewrites a table or re-checks it under lock: last, and only when allowed */
  readonly destructive = new TransactionSteps();
  /** migrations of their own, after the change in this order */
  readonly builds: PlannedMigration[] = [];
  readonly validations: PlannedMigration[] = [];
  readonly notNulls: PlannedMigration[] = [];
  readonly refused: Refusal[] = [];
  readonly addedColumns: string[] = [];
  /** tables whose columns change type or go: the views reading them are made again around the change */
  readonly reshaped = new Set<string>();
  /** comments already written by the rule of the object they are on */
  readonly commentsWritten = new Set<string>();

  refuse(object: string, reason: string, instead: string, destructive = false): void {
    this.refused.push({ object, reason, instead, destructive });
  }

  unsupported(object: CatalogObject): void {
    this.refuse(object.line, 'diff does not write this kind of change', 'write this migration by hand (`create`)');
  }

  result(): DiffPlan {
    const migrations = [
      ...(this.change.empty ? [] : [this.change.build('', 'the change itself, in one transaction', false)]),
      ...this.builds,
      ...this.validations,
      ...this.notNulls,
      ...(this.destructive.empty
        ? []
        : [
            this.destructive.build('destructive', 'what loses data, rewrites a table or re-checks it under lock', true),
          ]),
    ];
    return { migrations: uniqueSuffixes(migrations), refused: this.refused, addedColumns: this.addedColumns };
  }
}

function uniqueSuffixes(migrations: PlannedMigration[]): PlannedMigration[] {
  const seen = new Map<string, number>();
  return migrations.map((m) => {
    const n = (seen.get(m.suffix) ?? 0) + 1;
    seen.set(m.suffix, n);
    return n === 1 ? m : { ...m, suffix: `${m.suffix}-${n}` };
  });
}

/** `public.code_chunks` -> `code-chunks`, for file names. */
export const fileWord = (name: string): string =>
  (name.split('.').pop() ?? name).replaceAll('"', '').replaceAll('_', '-');
