// Two databases compared as `verify` compares a schema: the runner's own catalog listing, read through a
// read-only session, every line that is missing, different or extra.
import { compareCatalogs } from '../../src/chain/expected-catalog.ts';
import { withSession } from '../../src/commands/open-session.ts';
import { createLogger } from '../../src/log.ts';
import { loadConfig } from '../../src/settings/config.ts';
import { SignalWatch } from '../../src/signals.ts';

export const catalogOf = (url: string): Promise<string[]> =>
  withSession(
    {
      config: loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'error' }),
      log: createLogger({ format: 'text', level: 'error' }, () => undefined),
      signals: new SignalWatch(),
    },
    { command: 'catalog', writes: false },
    (session) => session.database.catalog(),
  );

/** `missing …`, the two sides of each different line, and `extra …`: empty when the catalogs are the same. */
export async function catalogDifferences(wantUrl: string, haveUrl: string): Promise<string[]> {
  const c = compareCatalogs(await catalogOf(wantUrl), await catalogOf(haveUrl));
  return [...c.missing.map((l) => `missing ${l}`), ...c.different.flat(), ...c.extra.map((l) => `extra ${l}`)];
}
