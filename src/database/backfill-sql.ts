// The SQL of a declared backfill (src/apply/backfill.ts): sent by the port, shown by `plan`
// and read by `lint`. One batch is one statement: it picks the next rows still
// pending after the last key, fills them, and says how many and where it got to;
// autocommitted, its row locks end with it.
import type { Backfill } from '../chain/backfill-declaration.ts';

// `p.k`, qualified: a bare `k` in that ORDER BY would name the text output column and sort as text.
/** $1: batch size; $2 (unless `first`): the last key of the previous batch, as text. */
export function backfillBatchSql({ table, key, set, pending }: Backfill, first: boolean): string {
  return `WITH picked AS (
  SELECT ${key} AS k FROM ${table} WHERE ${first ? '' : `${key} > $2 AND `}(${pending}) ORDER BY ${key} LIMIT $1
), filled AS (
  UPDATE ${table} SET ${set} WHERE ${key} IN (SELECT k FROM picked) AND (${pending}) RETURNING 1
)
SELECT (SELECT count(*) FROM filled)::int AS filled, (SELECT p.k::text FROM picked p ORDER BY p.k DESC LIMIT 1) AS last`;
}

export function pendingRowsSql({ table, pending }: Backfill): string {
  return `SELECT count(*)::float8 AS n FROM ${table} WHERE (${pending})`;
}
