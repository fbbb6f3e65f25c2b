// `down --to <migration>` / `down --count N`: revert the newest migrations.
import { applyMigrations } from '../apply.ts';
import { findBaseline } from '../baseline.ts';
import { assertNoDrift, compare } from '../drift.ts';
import { SchemaMismatch, UsageError } from '../errors.ts';
import type { Session } from '../session.ts';

export type DownTarget = { to: string } | { count: number };

export interface DownResult {
  reverted: string[];
  current: string | undefined;
}

export async function down(session: Session, target: DownTarget): Promise<DownResult> {
  const { client, files, tables, log } = session;
  return session.withLock(async () => {
    const ledger = await tables.read(client);
    const applied = ledger.applied.map((row) => row.name);
    const count = 'count' in target ? target.count : countAfter(applied, target.to);
    if (count > applied.length) throw new UsageError(`cannot revert ${count} migrations: only ${applied.length} are applied`);
    const toRevert = applied.slice(applied.length - count);

    const drift = compare(files, ledger.applied);
    const missing = drift.missing.filter((row) => toRevert.includes(row.name));
    if (missing.length > 0) {
      throw new SchemaMismatch(`cannot revert migrations this image does not have`, [
        ...missing.map((row) => `${row.name} was applied by a newer image; run down with that image`),
      ]);
    }
    assertNoDrift({ ...drift, missing: [] });

    const baseline = await findBaseline(files);
    if (baseline && toRevert.includes(baseline.file.name)) {
      const { name } = baseline.file;
      throw new UsageError(`down never goes below the baseline ${name}; the lowest target is --to ${name}`);
    }
    if (count === 0) {
      log.info(`nothing to revert: ${applied.at(-1) ?? 'no migration'} is the current migration`);
      return { reverted: [], current: applied.at(-1) };
    }
    const reverted = await applyMigrations(session, { direction: 'down', count }).finally(() => tables.forgetReverted(client).catch(() => undefined));
    const current = applied.at(-1 - reverted.length);
    log.info(`reverted ${reverted.length} migration${reverted.length === 1 ? '' : 's'}; database is at ${current ?? 'no migration'}`);
    return { reverted, current };
  });
}

function countAfter(applied: string[], to: string): number {
  const index = applied.indexOf(to);
  if (index < 0) throw new UsageError(`--to ${to}: not an applied migration (applied: ${applied.slice(-5).join(', ') || 'none'})`);
  return applied.length - 1 - index;
}
