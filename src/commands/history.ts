// `history` and `current`: the ledger as recorded, oldest first.
import type { Session } from '../session/session.ts';
import { asJson, type DatabaseCommand, noArgs } from './command.ts';

export interface HistoryEntry {
  name: string;
  run_on: string;
}

const NONE = '(no migration applied)';

export async function history(session: Session): Promise<HistoryEntry[]> {
  const { applied } = await session.database.readLedger();
  return applied.map((row) => ({ name: row.name, run_on: row.runOn.toISOString() }));
}

export const historyCommand: DatabaseCommand<undefined, HistoryEntry[]> = {
  args: noArgs,
  run: history,
  format: (entries, { json }) =>
    json ? asJson(entries) : entries.map((e) => `${e.run_on}  ${e.name}`).join('\n') || NONE,
};

export const currentCommand: DatabaseCommand<undefined, HistoryEntry | undefined> = {
  args: noArgs,
  run: async (session) => (await history(session)).at(-1),
  format: (entry, { json }) => (json ? asJson(entry) : (entry?.name ?? NONE)),
};
