// `plan` (and `up --dry-run`): for each pending migration, the exact SQL `up`
// would send, whether it runs in a transaction, and the table locks it takes.
// Touches nothing: no lock, no table created, no row written — only reads.

import { renderMigrationSql } from '../chain/migration-sql.ts';
import { readDrift } from '../decisions/drift.ts';
import { SqlSyntaxError } from '../errors.ts';
import type { Session } from '../session/session.ts';
import { locksOf, type TableLock } from '../sql/lock-modes.ts';
import { parseStatements } from '../sql/parse-statements.ts';
import { asJson, type DatabaseCommand, noArgs } from './command.ts';

export interface PlannedStatement {
  sql: string;
  locks: (TableLock & { new_table: boolean })[];
}

export interface PlannedMigration {
  name: string;
  file: string;
  transaction: boolean;
  /** one entry per statement node-pg-migrate sends, in order */
  steps: { sql: string; statements: PlannedStatement[] }[];
}

export interface PlanResult {
  database: string;
  ledger: string;
  /** on a database without history that `up` would adopt: what it would record without running, and why */
  adoption?: {
    stamp: string[];
    because: string;
    out_of_order: string[];
    rebuilt: { migration: string; object: string }[];
    comments: string[];
  };
  pending: PlannedMigration[];
}

export const command: DatabaseCommand<undefined, PlanResult> = {
  args: noArgs,
  run: plan,
  format: (result, { json }) => (json ? asJson(result) : formatPlan(result)),
};

export async function plan(session: Session): Promise<PlanResult> {
  const { database, files, config, log } = session;
  const { ledger, drift } = await readDrift(database, files);
  let toApply = drift.pending;
  let adoption: PlanResult['adoption'];
  if (ledger.applied.length === 0) {
    const { planAdoption } = await import('../decisions/adoption.ts');
    const adopt = await planAdoption(database, files, config.migrationsDir, log);
    if (adopt.kind === 'adopt') {
      const { stamp, apply, because, outOfOrder, reformed, comments } = adopt;
      adoption = {
        stamp: stamp.map((file) => file.name),
        because,
        out_of_order: outOfOrder,
        rebuilt: reformed,
        comments,
      };
      toApply = apply;
    }
  }
  const pending: PlannedMigration[] = [];
  for (const file of toApply) {
    // only a table this same migration creates is invisible to others while it runs
    const created = new Set<string>();
    const { statements, transaction } = await renderMigrationSql(file.path, 'up');
    const steps = [];
    for (const sql of statements) {
      const parsed = await parseStatements(sql).catch((error: unknown) => {
        if (!(error instanceof SqlSyntaxError)) throw error;
        throw new SqlSyntaxError(
          `migration ${file.name} does not parse: ${error.message} (line ${error.line} of its SQL)`,
          error.line,
        );
      });
      steps.push({
        sql,
        statements: parsed.map(({ node, text }) => {
          const locks = locksOf(node);
          if ('CreateStmt' in node) for (const lock of locks) created.add(lock.table);
          return { sql: text, locks: locks.map((lock) => ({ ...lock, new_table: created.has(lock.table) })) };
        }),
      });
    }
    pending.push({ name: file.name, file: file.path, transaction, steps });
  }
  return {
    database: config.database.display,
    ledger: database.ledgerName,
    ...(adoption && { adoption }),
    pending,
  };
}

function formatPlan(result: PlanResult): string {
  const lines = result.adoption ? formatAdoption(result.adoption, result.ledger) : [];
  if (result.pending.length === 0) return [...lines, `nothing to apply on ${result.database}`].join('\n');
  lines.push(
    `${result.pending.length} pending migration${result.pending.length === 1 ? '' : 's'} on ${result.database}`,
  );
  for (const migration of result.pending) {
    lines.push(
      '',
      `== ${migration.name} (${migration.transaction ? 'in one transaction' : 'NOT in a transaction: each statement commits on its own'})`,
    );
    if (result.adoption?.out_of_order.includes(migration.name))
      lines.push('-- not there, and comes before migrations that are: applied now, it touches nothing they made');
    for (const { object } of result.adoption?.rebuilt.filter((r) => r.migration === migration.name) ?? [])
      lines.push(`-- again: ${object} is in a form MnemoLite made that the chain does not, and this rebuilds it`);
    for (const step of migration.steps) {
      for (const statement of step.statements) {
        lines.push(statement.sql.endsWith(';') ? statement.sql : `${statement.sql};`);
        for (const lock of statement.locks) {
          const what = lock.index ? `index ${lock.table} and its table` : lock.table;
          lines.push(
            `  -- locks ${what} in ${lock.mode} mode${lock.new_table ? ' (created by this migration: no one waits)' : ''}`,
          );
        }
      }
    }
    lines.push(`-- then records ${migration.name} in ${result.ledger}`);
  }
  return lines.join('\n');
}

function formatAdoption(adoption: NonNullable<PlanResult['adoption']>, ledger: string): string[] {
  const n = adoption.stamp.length;
  return [
    `no migration history: ${n} migration${n === 1 ? '' : 's'} would be recorded in ${ledger} without running (${adoption.because}):`,
    ...adoption.stamp.map((name) => `  ${name}`),
    ...(adoption.comments.length > 0
      ? ["comments that differ from the chain's would be set to it:", ...adoption.comments.map((line) => `  ${line}`)]
      : []),
    '',
  ];
}
