// What comparing the live schema with the expected catalog costs, on a database at the head
// of the shipped chain (50 migrations, 16 tables): the pieces in-process, then the commands
// that pay for it (`verify`, `status`) beside the no-op `up`, which does not. Prints only.
//   node bench/schema-comparison.ts      (after npm run build; BENCH_DATABASE_URL or a container)
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { compareCatalogs, readExpectedCatalogs } from '../src/chain/expected-catalog.ts';
import { listMigrations } from '../src/chain/migration-files.ts';
import { CATALOG_LISTING } from '../src/database/catalog-listing.ts';
import { startPostgres } from './postgres-server.ts';
import { median } from './stats.ts';
import { OUR_CLI } from './tools.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const dir = new URL('../migrations', import.meta.url).pathname;
const server = await startPostgres();
try {
  const url = await server.createDatabase('bench_schema');
  const env = { PATH: process.env.PATH, DATABASE_URL: url, LOG_LEVEL: 'error' };
  if (spawnSync(process.execPath, [OUR_CLI, 'up'], { env }).status !== 0) throw new Error('up failed');

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // the port's two queries, as postgres-database.ts sends them
  const port = {
    readLedger: () =>
      client.query(
        'select m.name, m.run_on, c.checksum from public.pgmigrations m left join public.pgmigrations_checksums c using (name) order by m.run_on, m.id',
      ),
    async catalog(): Promise<string[]> {
      await client.query('begin read only');
      await client.query(`select pg_catalog.set_config('search_path', '', true)`);
      const { rows } = await client.query<{ line: string }>(CATALOG_LISTING, ['public', 'pgmigrations']);
      await client.query('commit');
      return rows.map((row) => row.line);
    },
  };
  const files = listMigrations(dir);
  const pieces: Record<string, () => unknown> = {
    'ledger read (what the no-op up asks)': () => port.readLedger(),
    'catalog listing': () => port.catalog(),
    'expected catalogs read and folded': () => readExpectedCatalogs(dir, files),
  };
  const live = await port.catalog();
  const expected = readExpectedCatalogs(dir, files).points.at(-1)!.catalog;
  pieces.comparison = () => compareCatalogs(expected, live);
  console.log(`${server.description}; ${live.length} catalog lines; median of ${RUNS}`);
  for (const [name, work] of Object.entries(pieces)) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await work();
      times.push(performance.now() - started);
    }
    console.log(`  ${name.padEnd(40)} ${median(times).toFixed(1)} ms`);
  }
  await client.end();

  const commands: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    'up (no-op)': [OUR_CLI, 'up'],
    verify: [OUR_CLI, 'verify'],
    status: [OUR_CLI, 'status'],
  };
  const wall = Object.fromEntries(Object.keys(commands).map((name) => [name, [] as number[]]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, args] of Object.entries(commands)) {
      const started = performance.now();
      if (spawnSync(process.execPath, args, { env, stdio: 'ignore' }).status !== 0) throw new Error(`${name} failed`);
      wall[name]!.push(performance.now() - started);
    }
  }
  for (const [name, times] of Object.entries(wall))
    console.log(`  ${name.padEnd(40)} ${median(times).toFixed(0)} ms wall`);
} finally {
  await server.stop();
}
