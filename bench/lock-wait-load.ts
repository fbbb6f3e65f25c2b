// What runners waiting for the migration lock cost the server: BENCH_WAITERS (30) `up`s started against a
// database whose lock this script holds, and the transactions they make per second in successive windows
// of the wait (pg_stat_database of that database). Prints a Markdown table.
//   node bench/lock-wait-load.ts   (after npm run build; BENCH_DATABASE_URL or a container, as npm run bench)
import { spawn } from 'node:child_process';
import pg from 'pg';
import { describeMachine } from './machine.ts';
import { startPostgres } from './postgres-server.ts';
import { OUR_CLI } from './tools.ts';

const WAITERS = Number(process.env.BENCH_WAITERS ?? 30);
/** seconds since the waiters started: each window is measured from one edge to the next */
const EDGES = [3, 10, 20, 40];
/** node-pg-migrate's key for public.pgmigrations, which ours keeps for that table */
const LOCK_KEY = '7241865325823964';

const server = await startPostgres();
try {
  const url = await server.createDatabase('bench_lock_wait');
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  await holder.query('select pg_advisory_lock($1)', [LOCK_KEY]);
  const env = { PATH: process.env.PATH, DATABASE_URL: url, LOG_LEVEL: 'error', MIGRATE_LOCK_TIMEOUT: '600' };
  const started = performance.now();
  const waiters = Array.from({ length: WAITERS }, () =>
    spawn(process.execPath, [OUR_CLI, 'up'], { env, stdio: 'ignore' }),
  );
  const transactions = async () =>
    Number(
      (
        await server.query<{ n: string }>(
          'postgres',
          "select xact_commit + xact_rollback as n from pg_stat_database where datname = 'bench_lock_wait'",
        )
      )[0]!.n,
    );
  const at = (seconds: number) =>
    new Promise((resolve) => setTimeout(resolve, Math.max(0, started + seconds * 1000 - performance.now())));
  const rows: string[] = [];
  await at(EDGES[0]!);
  let before = await transactions();
  for (const [i, edge] of EDGES.slice(1).entries()) {
    await at(edge);
    const now = await transactions();
    const from = EDGES[i]!;
    rows.push(`| ${from}–${edge} s | ${now - before} | ${((now - before) / (edge - from)).toFixed(0)} |`);
    before = now;
  }
  for (const waiter of waiters) waiter.kill('SIGTERM');
  await holder.end();
  const machine = describeMachine();
  console.log(
    `${WAITERS} runners waiting for the migration lock; ${server.description}; ${machine.cpus} × ${machine.cpuModel}; Node ${machine.node}; ${machine.commit}\n`,
  );
  console.log('| window of the wait | transactions | per second |\n|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  await server.stop();
}
