// `repair [<migration>]`: accept edited applied migrations by recording the
// checksums their files have now. The explicit way out of "changed" drift.
import { compare } from '../drift.ts';
import { UsageError } from '../errors.ts';
import type { Session } from '../session.ts';

export async function repair(session: Session, only: string | undefined): Promise<{ accepted: string[] }> {
  const { client, files, tables, log } = session;
  return session.withLock(async () => {
    const drift = compare(files, (await tables.read(client)).applied);
    const changed = drift.changed.filter((file) => only === undefined || file.name === only);
    if (only !== undefined && changed.length === 0) throw new UsageError(`${only} is not an applied migration whose file changed`);
    await tables.recordChecksums(client, changed);
    for (const file of changed) log.warn(`accepted the edited content of ${file.name}; it is not re-run`, { migration: file.name });
    return { accepted: changed.map((file) => file.name) };
  });
}
