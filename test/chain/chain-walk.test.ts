// The chain against its expected catalogs: `snapshot --check` on an empty database
// (what CI runs: a migration changed without its expected catalog fails), then the
// walk from head down to the baseline and back up, the catalog compared at every point.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCatalogs, readExpectedCatalogs } from '../../src/chain/expected-catalog.ts';
import { listMigrations } from '../../src/chain/migration-files.ts';
import { withSession } from '../../src/commands/open-session.ts';
import { createLogger } from '../../src/log.ts';
import type { Session } from '../../src/session/session.ts';
import { loadConfig } from '../../src/settings/config.ts';
import { SignalWatch } from '../../src/signals.ts';
import { runCli, SHIPPED_MIGRATIONS } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { migrationsDir } from '../support/migrations-dir.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

const files = listMigrations(SHIPPED_MIGRATIONS);
const expected = readExpectedCatalogs(SHIPPED_MIGRATIONS, files);
const inSession = <T>(work: (session: Session) => Promise<T>) =>
  withSession(
    {
      config: loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'error' }),
      log: createLogger({ format: 'text', level: 'error' }, () => undefined),
      signals: new SignalWatch(),
    },
    { command: 'up', writes: true },
    work,
  );
const differences = async (session: Session, index: number) => {
  const comparison = compareCatalogs(expected.points[index]!.catalog, await session.database.catalog());
  return [...comparison.missing, ...comparison.different.flat(), ...comparison.extra].filter(
    (line) => !line.startsWith('extension plpgsql'),
  );
};

describe('the shipped chain', () => {
  it('has an expected catalog for every migration', () => {
    expect(expected.unknownFrom).toBeUndefined();
    expect(expected.points).toHaveLength(files.length);
  });

  it('snapshot --check: every migration makes exactly its expected catalog', async () => {
    const result = await runCli(['snapshot', '--check', '--json'], { DATABASE_URL: db.url });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ check: true, differing: [], written: [] });
  }, 300_000);

  it('walks down to the baseline and back up, the catalog at every point as expected', async () => {
    await inSession(async (session) => {
      for (let index = files.length - 1; index > 0; index--) {
        expect(await differences(session, index), `at ${files[index]!.name}`).toEqual([]);
        expect(await session.apply({ direction: 'down', count: 1 })).toEqual([files[index]!.name]);
      }
      expect(await differences(session, 0), 'at the baseline').toEqual([]);
      for (let index = 1; index < files.length; index++) {
        expect(await session.apply({ direction: 'up', count: 1 })).toEqual([files[index]!.name]);
        expect(await differences(session, index), `at ${files[index]!.name}`).toEqual([]);
      }
    });
  }, 600_000);

  it('snapshot --check fails (6) naming a migration whose expected catalog is stale, as often as it runs on the same database', async () => {
    const dir = migrationsDir({});
    const last = files.at(-1)!;
    const path = `${dir}/${last.name}.ts`;
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(
        'COMMENT ON VIEW index_maintenance_preview IS',
        "COMMENT ON VIEW index_maintenance_preview IS 'edited'; SELECT",
      ),
    );
    const scratch = await freshDatabase();
    try {
      const check = await runCli(['snapshot', '--check'], { DATABASE_URL: scratch.url, MIGRATIONS_DIR: dir });
      expect(check.code).toBe(6);
      expect(check.stderr).toContain(`${last.name}: run \`snapshot\``);
      // the database is no longer empty: a scratch database of its own beside it, dropped after
      const again = await runCli(['snapshot', '--check'], { DATABASE_URL: scratch.url, MIGRATIONS_DIR: dir });
      expect(again.code, again.stderr).toBe(6);
      expect(again.stderr).toContain(`${last.name}: run \`snapshot\``);
      expect(again.stderr).toMatch(/working in a scratch database mnemolite_migrate_snapshot_/);
      expect(
        await scratch.query(`select datname from pg_database where datname like 'mnemolite_migrate_snapshot_%'`),
      ).toEqual([]);
    } finally {
      await scratch.drop();
    }
  }, 300_000);
});
