// `repair [<migration>]`: accept edited applied migrations by recording the
// checksums their files have now. The explicit way out of "changed" drift.
import { readDrift } from '../decisions/drift.ts';
import { UsageError } from '../errors.ts';
import type { Session } from '../session/session.ts';
import { asJson, type DatabaseCommand } from './command.ts';

export interface RepairResult {
  accepted: string[];
}

export const command: DatabaseCommand<string | undefined, RepairResult> = {
  args: ({ positionals }) => positionals[0],
  run: repair,
  format: ({ accepted }, { json }) =>
    json ? asJson({ accepted }) : accepted.length > 0 ? `accepted: ${accepted.join(', ')}` : 'nothing to repair',
};

export async function repair(session: Session, only: string | undefined): Promise<RepairResult> {
  const { database, files, log } = session;
  return session.withLock(async () => {
    const { drift } = await readDrift(database, files);
    const changed = drift.changed.filter((file) => only === undefined || file.name === only);
    if (only !== undefined && changed.length === 0)
      throw new UsageError(`${only} is not an applied migration whose file changed`);
    await database.recordChecksums(changed);
    for (const file of changed)
      log.warn(`accepted the edited content of ${file.name}; it is not re-run`, { migration: file.name });
    return { accepted: changed.map((file) => file.name) };
  });
}
