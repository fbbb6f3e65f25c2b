// `down --to <migration>` / `down --count N`: revert the newest migrations.
import { findBaseline } from '../chain/baseline.ts';
import { assertNoDrift, readDrift } from '../decisions/drift.ts';
import { SchemaMismatch, UsageError } from '../errors.ts';
import type { Session } from '../session/session.ts';
import { asJson, type DatabaseCommand, type Invocation } from './command.ts';

export type DownTarget = { to: string } | { count: number };

export interface DownResult {
  reverted: string[];
  current: string | undefined;
}

const USAGE = 'down (--to <migration> | --count <n>) [--yes] [--json]';

export const command: DatabaseCommand<DownTarget, DownResult> = {
  args: downTarget,
  run: down,
  format: (result, { json }) => (json ? asJson(result) : ''),
};

export async function down(session: Session, target: DownTarget): Promise<DownResult> {
  const { database, files, log } = session;
  return session.withLock(async () => {
    const { ledger, drift } = await readDrift(database, files);
    const applied = ledger.applied.map((row) => row.name);
    const count = 'count' in target ? target.count : countAfter(applied, target.to);
    const baseline = await findBaseline(files);
    // what can be reverted: every applied migration above the baseline, which stays
    const revertible = baseline && applied.includes(baseline.name) ? applied.length - 1 : applied.length;
    if (count > revertible)
      throw new UsageError(
        `cannot revert ${count} migrations: ${revertible} can be (${applied.length} applied${revertible < applied.length ? `, the baseline ${baseline!.name} stays` : ''}); use --count ${revertible}, or --to <migration>`,
      );
    const toRevert = applied.slice(applied.length - count);

    const missing = drift.missing.filter((row) => toRevert.includes(row.name));
    if (missing.length > 0) {
      throw new SchemaMismatch(`cannot revert migrations this image does not have`, [
        ...missing.map((row) => `${row.name} was applied by a newer image; run down with that image`),
      ]);
    }
    assertNoDrift({ ...drift, missing: [] });

    if (baseline && toRevert.includes(baseline.name)) {
      const { name } = baseline;
      throw new UsageError(`down never goes below the baseline ${name}; the lowest target is --to ${name}`);
    }
    if (count === 0) {
      log.info(`nothing to revert: ${applied.at(-1) ?? 'no migration'} is the current migration`);
      return { reverted: [], current: applied.at(-1) };
    }
    const reverted = await session
      .apply({ direction: 'down', count })
      .finally(() => database.forgetReverted().catch(() => undefined));
    const current = applied.at(-1 - reverted.length);
    log.info(
      `reverted ${reverted.length} migration${reverted.length === 1 ? '' : 's'}; database is at ${current ?? 'no migration'}`,
    );
    return { reverted, current };
  });
}

function countAfter(applied: string[], to: string): number {
  const index = applied.indexOf(to);
  if (index < 0)
    throw new UsageError(`--to ${to}: not an applied migration (applied: ${applied.slice(-5).join(', ') || 'none'})`);
  return applied.length - 1 - index;
}

// Exactly one target; on a terminal, a confirmation, asked before connecting.
async function downTarget({ flags, config }: Invocation): Promise<DownTarget> {
  const to = flags.to as string | undefined;
  const count = flags.count as string | undefined;
  if ((to === undefined) === (count === undefined))
    throw new UsageError(
      `down needs exactly one of --to <migration> or --count <n>\n\nusage: mnemolite-migrate ${USAGE}`,
    );
  if (count !== undefined && !/^[1-9]\d{0,5}$/.test(count))
    throw new UsageError(`--count must be a whole number of at least 1`);
  const target: DownTarget = to !== undefined ? { to } : { count: Number(count) };
  if (flags.yes) return target;
  if (!process.stdin.isTTY)
    throw new UsageError('down changes the schema: pass --yes to confirm when stdin is not a terminal');
  const question = `Revert ${to !== undefined ? `every migration after ${to}` : `the newest ${count} migration(s)`} on ${config.database.display}? [y/N] `;
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(question).finally(() => prompt.close());
  if (!/^y(es)?$/i.test(answer.trim())) throw new UsageError('not confirmed; nothing was changed');
  return target;
}
