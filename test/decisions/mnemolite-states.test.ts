// Every real MnemoLite database state (built by MnemoLite's own files and Alembic, from the day
// it was first started; test/fixtures/mnemolite/PROVENANCE.md) is brought to head by `up`, every row kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCatalogs } from '../../src/chain/expected-catalog.ts';
import { runCli } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { listStates, restoreState, tableRows } from '../support/mnemolite-fixtures.ts';
import { connectPort } from '../support/postgres-port.ts';
import { withClient } from '../support/with-client.ts';

const catalogOf = async (url: string) => {
  const port = await connectPort(url);
  try {
    return await port.catalog();
  } finally {
    await port.close();
  }
};

// jsonb columns that MnemoLite's hand-run data migrations fill in (v2_to_v3: content_hash; v8_to_v9: name)
const DATA_MIGRATED: Record<string, string[]> = { 'public.code_chunks': ['metadata'], 'public.nodes': ['properties'] };

let chainOnly: TestDatabase;
let headCatalog: string[];
const outcomes: string[] = [];

beforeAll(async () => {
  chainOnly = await freshDatabase();
  const result = await runCli(['up'], { DATABASE_URL: chainOnly.url });
  expect(result.code, result.stderr).toBe(0);
  headCatalog = await catalogOf(chainOnly.url);
}, 300_000);
afterAll(async () => {
  await chainOnly?.drop();
  // the state table of the closing note: what up did to each real database, and how long it took
  console.log(['state | what up did | seconds', ...outcomes].join('\n'));
});

describe('MnemoLite at Alembic head (20260410_0000)', () => {
  it('has exactly the catalog the chain makes from an empty database, and the seed rows', async () => {
    const real = await freshDatabase();
    try {
      await restoreState(real.url, '20260410_0000');
      // equal object by object; a CHECK restored by pg_dump reads back in another form (expected-catalog.ts)
      expect(compareCatalogs(headCatalog, await catalogOf(real.url))).toEqual({
        missing: [],
        different: [],
        extra: [],
      });
      // MnemoLite's own seed rows (uuid and timestamp columns differ by nature); the fixture adds rows of its own
      const seeds = `select tag_pattern, decay_rate::text, half_life_days, auto_consolidate_threshold, priority_boost::text from memory_decay_config
                     order by 1`;
      const rules =
        'select name, alert_type, threshold, severity, cooldown_seconds, enabled, metadata from alert_rules order by name';
      const projects = 'select name, display_name from projects order by name';
      for (const sql of [seeds, rules, projects]) {
        const made = await chainOnly.query(sql);
        expect(made.length).toBeGreaterThan(0);
        expect(await real.query(sql)).toEqual(expect.arrayContaining(made));
      }
    } finally {
      await real.drop();
    }
  });
});

describe('every real MnemoLite database reaches head', () => {
  it.each(listStates())(
    '%s: up stamps the migrations it has, applies the others, keeps every row; verify is then ok',
    async (state) => {
      const db = await freshDatabase();
      try {
        await restoreState(db.url, state);
        const before = await withClient(db.url, tableRows);
        const started = performance.now();
        const result = await runCli(['up', '--json'], { DATABASE_URL: db.url });
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        expect(result.code, result.stderr).toBe(0);
        const { stamped, applied, adoption } = JSON.parse(result.stdout) as {
          stamped: string[];
          applied: string[];
          adoption?: { out_of_order: string[]; rebuilt: string[]; comments: string[] };
        };
        const { out_of_order: outOfOrder = [], rebuilt = [], comments = [] } = adoption ?? {};
        outcomes.push(
          `${state} | stamped ${stamped.length}, applied ${applied.length} (${outOfOrder.length} out of order)${rebuilt.length > 0 ? `, rebuilt ${rebuilt.join(', ')}` : ''}${comments.length > 0 ? `, comments set: ${comments.join(', ')}` : ''} | ${seconds}`,
        );
        expect(stamped.length + applied.length).toBeGreaterThan(0);

        expect(compareCatalogs(headCatalog, await catalogOf(db.url))).toEqual({
          missing: [],
          different: [],
          extra: [],
        });
        const after = await withClient(db.url, tableRows);
        for (const [table, rows] of Object.entries(before)) {
          if (table === 'public.alembic_version') continue; // left in place, unused
          // every row that was there is still there with the values it had: columns added since are new,
          // rows may be added (seed presets), and MnemoLite's own data migrations only add keys to jsonb
          const project = (row: unknown) => {
            const values = row as Record<string, unknown>;
            return Object.fromEntries(
              Object.keys(rows[0] as object).map((c) => [
                c,
                DATA_MIGRATED[table]?.includes(c) ? expect.objectContaining(values[c] as object) : values[c],
              ]),
            );
          };
          const now = (after[table] ?? []).map((row) =>
            Object.fromEntries(Object.keys(rows[0] as object).map((c) => [c, (row as Record<string, unknown>)[c]])),
          );
          expect(now, table).toEqual(expect.arrayContaining(rows.map(project)));
          expect(now.length, table).toBeGreaterThanOrEqual(rows.length);
        }
        const verify = await runCli(['verify', '--json'], { DATABASE_URL: db.url });
        expect(verify.code, verify.stderr).toBe(0);
        expect(JSON.parse(verify.stdout).schema).toMatchObject({ missing: [], different: [] });
      } finally {
        await db.drop();
      }
    },
  );
});
