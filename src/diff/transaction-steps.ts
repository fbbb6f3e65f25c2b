// One transactional migration being planned: steps go in by phase, so the
// statements run in dependency order whatever order the rules add them in,
// and the down runs every step's undoing the other way round.
import type { PlannedMigration } from './planned-migration.ts';

const PHASES = [
  'schema',
  'extension',
  'type',
  'sequence',
  'drop-trigger',
  'drop-view',
  'drop-function',
  'drop-constraint',
  'function',
  'table',
  'column',
  'constraint',
  'view',
  'trigger',
  'index',
  'owned-by',
  'drop-table',
  'drop-sequence',
  'drop-type',
  'drop-extension',
  'drop-schema',
  'comment',
] as const;
export type Phase = (typeof PHASES)[number];

interface Step {
  up: readonly string[];
  down: readonly string[];
}

// functions go in before the tables they may read: their bodies are checked when they are called
const bodiesUnchecked = (statements: string[]) =>
  statements.some((s) => /^CREATE OR REPLACE (FUNCTION|PROCEDURE)/.test(s))
    ? ['SET LOCAL check_function_bodies = off', ...statements]
    : statements;

export class TransactionSteps {
  private readonly steps = new Map<Phase, Step[]>();

  add(phase: Phase, up: readonly string[], down: readonly string[]): void {
    this.steps.set(phase, [...(this.steps.get(phase) ?? []), { up, down }]);
  }

  get empty(): boolean {
    return this.steps.size === 0;
  }

  build(suffix: string, about: string, destructive: boolean): PlannedMigration {
    const ordered = PHASES.flatMap((phase) => this.steps.get(phase) ?? []);
    return {
      suffix,
      transaction: true,
      about,
      up: bodiesUnchecked(ordered.flatMap((step) => step.up)),
      down: bodiesUnchecked(ordered.toReversed().flatMap((step) => step.down)),
      destructive,
    };
  }
}
