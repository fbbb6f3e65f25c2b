// `history` and `current`: the ledger as recorded, oldest first.
import type { Session } from '../session.ts';

export interface HistoryEntry {
  name: string;
  run_on: string;
}

export async function history(session: Session): Promise<HistoryEntry[]> {
  const { applied } = await session.tables.read(session.client);
  return applied.map((row) => ({ name: row.name, run_on: row.runOn.toISOString() }));
}

export async function current(session: Session): Promise<HistoryEntry | undefined> {
  return (await history(session)).at(-1);
}
