// A standby in recovery (a replica, read-only) is found when the connection opens, from the same round
// trip as the session settings. A command that writes is refused there before the lock and before
// anything is written: waiting would not make it the primary. One that only reads runs, and says so.
import type { ConnectionPort } from '../database/port.ts';
import { StandbyRefused } from '../errors.ts';
import type { Logger } from '../log.ts';

export interface Access {
  command: string;
  /** the command may write (the ledger, the schema, a database) */
  writes: boolean;
}

export function checkStandby(
  database: Pick<ConnectionPort, 'standby'>,
  display: string,
  { command, writes }: Access,
  log: Logger,
): void {
  if (!database.standby) return;
  if (writes) throw new StandbyRefused(display, `\`${command}\` writes`);
  log.info(`${display} is a standby in recovery: \`${command}\` reads a replica, which may lag behind the primary`);
}
