// What a migration declares when it fills columns (`export const backfill`): the
// table, the key its batches walk, the SET list and the condition of a row still
// to fill. Data, not code: the runner (apply/backfill.ts) fills it, `plan` shows it.
import { basename, extname } from 'node:path';
import { ConfigError } from '../errors.ts';

export interface Backfill {
  /** the table, as SQL names it */
  table: string;
  /** a unique column the batches walk in order (the primary key) */
  key: string;
  /** the UPDATE's SET list */
  set: string;
  /** true for a row still to fill, false once `set` filled it: how a rerun knows where to resume */
  pending: string;
}

const FIELDS = ['table', 'key', 'set', 'pending'] as const;

/**
 * The backfills a migration module declares, or undefined. A declared backfill is the
 * migration's up, so it may not also export one; and it must say what down does, since
 * node-pg-migrate would otherwise replay up (the backfill) as down.
 */
export function declaredBackfills(module: Record<string, unknown>, path: string): Backfill[] | undefined {
  const declared = module.backfill;
  if (declared === undefined) return undefined;
  const name = basename(path, extname(path));
  const problem = (text: string) => new ConfigError(`migration ${name}${text}`, [`file: ${path}`]);
  if (!Array.isArray(declared)) throw problem(`: export backfill as a list of { ${FIELDS.join(', ')} }`);
  for (const item of declared as unknown[]) {
    const fields = (item ?? {}) as Record<string, unknown>;
    const bad = FIELDS.filter((field) => typeof fields[field] !== 'string' || !(fields[field] as string).trim());
    if (bad.length > 0)
      throw problem(`: a backfill needs ${FIELDS.join(', ')} as SQL text; missing or empty: ${bad.join(', ')}`);
  }
  if (module.up !== undefined) throw problem(' declares a backfill, which is its up: it may not export up too');
  if (module.down === undefined)
    throw problem(
      ' declares a backfill: it must export down too (a no-op function when there is nothing to undo, or false)',
    );
  return declared as Backfill[];
}
