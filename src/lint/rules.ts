// The lint rules: what each one catches, why it hurts a live MnemoLite
// database, and the safe way to do the same thing. Ids are stable: migrations
// name them in `lint-accept` comments.

export const RULES = {
  'index-not-concurrent': {
    title: 'CREATE INDEX without CONCURRENTLY on an existing table',
    why: 'A plain CREATE INDEX holds a SHARE lock for the whole build: every INSERT, UPDATE and DELETE on the table waits, and an HNSW build on embeddings takes minutes.',
    fix: 'Use a non-transactional migration (`create <name> --no-transaction`): pgm.noTransaction(), then CREATE INDEX CONCURRENTLY IF NOT EXISTS, one statement per pgm.sql.',
  },
  'add-column-not-null-no-default': {
    title: 'ADD COLUMN … NOT NULL without a DEFAULT',
    why: 'Existing rows have no value for the new column, so the statement fails on any table that holds data, usually first in production.',
    fix: 'Add the column with a non-volatile DEFAULT, or add it nullable, backfill it, then make it NOT NULL with a validated CHECK.',
  },
  'alter-column-type': {
    title: 'ALTER COLUMN … TYPE',
    why: 'Changing a column type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (reads block too), unless the new type is binary-compatible.',
    fix: 'Add a new column of the new type, write both, backfill in batches, switch the API, then drop the old column in a later release; accept the finding only for a binary-compatible change (e.g. varchar(n) to text).',
  },
  'set-not-null-without-check': {
    title: 'SET NOT NULL without a validated CHECK first',
    why: 'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes, unless a validated CHECK (col IS NOT NULL) already proves it.',
    fix: 'Add CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID in one migration; in a later one VALIDATE CONSTRAINT c, SET NOT NULL (no scan), then DROP CONSTRAINT c.',
  },
  'constraint-not-valid': {
    title: 'Foreign key or CHECK constraint added without NOT VALID',
    why: 'Adding the constraint scans every row under a lock that blocks writes (ACCESS EXCLUSIVE for a CHECK, which blocks reads too; a foreign key also locks the referenced table); validating it in the transaction that added it keeps that lock through the scan.',
    fix: 'Add it with NOT VALID (new rows are checked at once), then VALIDATE CONSTRAINT in a later migration, which only takes a SHARE UPDATE EXCLUSIVE lock.',
  },
  'drop-table': {
    title: 'DROP TABLE',
    why: 'The data is gone for good, and an API still reading the table fails the moment the migration commits.',
    fix: 'Stop using the table in the API a release earlier and keep a backup; then drop it with `lint-accept: drop-table <reason>` in the migration.',
  },
  'drop-column': {
    title: 'DROP COLUMN',
    why: 'The data is gone for good, and an API still selecting or inserting the column fails the moment the migration commits.',
    fix: 'Stop using the column in the API a release earlier; then drop it with `lint-accept: drop-column <reason>` in the migration.',
  },
  'rename-table': {
    title: 'RENAME of a table',
    why: 'The running API still uses the old name and fails from the moment the migration commits until it is redeployed.',
    fix: 'Expand and contract: create the new table (or keep a view under the old name), move the API over, drop the old name in a later release.',
  },
  'rename-column': {
    title: 'RENAME of a column',
    why: 'The running API still uses the old name and fails from the moment the migration commits until it is redeployed.',
    fix: 'Expand and contract: add the new column, write both and backfill, switch reads, drop the old column in a later release.',
  },
  'update-whole-table': {
    title: 'UPDATE of every row of an existing table',
    why: 'One UPDATE locks every row it changes until it commits: every writer to the table waits for all of it, and on vector columns that takes minutes.',
    fix: 'Declare a backfill (`export const backfill`, see the README): the runner fills the rows in keyed batches of well under a second each, and resumes after a kill.',
  },
  'add-column-if-not-exists-generated': {
    title: 'ADD COLUMN IF NOT EXISTS with GENERATED',
    why: 'When a column of that name already exists the statement silently does nothing, so the generated definition never applies (MnemoLite history has exactly this bug).',
    fix: 'Drop IF NOT EXISTS so a clash fails loudly; if the column may exist, handle that case explicitly.',
  },
  'down-drops-not-created': {
    title: 'down drops a table or column its up did not create',
    why: 'Rolling back destroys data that existed before the migration (MnemoLite history: a down dropped the original column its ADD COLUMN IF NOT EXISTS had skipped).',
    fix: 'Make down drop only what up created; when up uses IF NOT EXISTS, remove it so up fails instead of adopting an existing object.',
  },
  'syntax-error': {
    title: 'SQL the PostgreSQL parser rejects, or a migration module that does not parse',
    why: 'The migration fails when it runs, and nothing after the error could be checked.',
    fix: 'Fix the statement or the module at that line; `plan` shows the SQL exactly as it will be sent.',
  },
  'invalid-accept': {
    title: 'lint-accept comment without a known rule or a reason',
    why: 'An acceptance is a reviewed decision; without the reason nobody can review it later, and an unknown rule id accepts nothing.',
    fix: 'Write `-- lint-accept: <rule-id> <why this is safe here>` (or `//` in TypeScript) with one of the rule ids `lint` prints.',
  },
} as const satisfies Record<string, Rule>;

export interface Rule {
  title: string;
  why: string;
  fix: string;
}

export type RuleId = keyof typeof RULES;

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}

export interface LintFinding {
  rule: RuleId;
  /** the migration file, as listed */
  file: string;
  /** 1-based line in that file */
  line: number;
  message: string;
  why: string;
  fix: string;
  /** the reason a `lint-accept` comment gives; unaccepted findings fail `lint` */
  accepted?: string;
}

export function finding(rule: RuleId, file: string, line: number, message: string): LintFinding {
  const { why, fix } = RULES[rule];
  return { rule, file, line, message, why, fix };
}
