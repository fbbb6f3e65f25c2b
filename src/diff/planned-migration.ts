// What `diff` plans: migrations not yet written, and the changes it refuses.

export interface PlannedMigration {
  /** what follows the change's name in the file name ('' for the change itself) */
  suffix: string;
  transaction: boolean;
  /** why it is a migration of its own, for its header */
  about: string;
  up: string[];
  down: string[];
  /** it drops, rewrites or re-checks under lock: written only with --allow-destructive */
  destructive: boolean;
}

export interface Refusal {
  object: string;
  reason: string;
  instead: string;
  /** allowed by --allow-destructive; otherwise no form of it is written */
  destructive: boolean;
}

export interface DiffPlan {
  migrations: PlannedMigration[];
  refused: Refusal[];
  /** `public.t.c`: columns added to tables that exist at the chain's head */
  addedColumns: string[];
}
