// What adopting a real MnemoLite database costs: `up` on each state of test/fixtures/mnemolite/,
// restored afresh before every run, as wall time of the process. Several builds side by side
// (each a dist/cli.js, e.g. this one and an older one from a git worktree), interleaved run by
// run so a noisy machine hurts them alike. Prints only.
//   node bench/adoption.ts [CLI…]     (default: dist/cli.js; after npm run build)
//   BENCH_STATES=init,8509181 BENCH_RUNS=5, and BENCH_DATABASE_URL or a container of BENCH_PG_IMAGE
import { spawnSync } from 'node:child_process';
import { listStates, restoreState } from '../test/support/mnemolite-fixtures.ts';
import { describeMachine } from './machine.ts';
import { startPostgres } from './postgres-server.ts';
import { median } from './stats.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const clis = process.argv.length > 2 ? process.argv.slice(2) : [new URL('../dist/cli.js', import.meta.url).pathname];
const wanted = process.env.BENCH_STATES?.split(',');
const states = listStates().filter((state) => !wanted || wanted.includes(state));

const server = await startPostgres();
try {
  const machine = describeMachine();
  console.log(
    `${server.description}; ${machine.cpus} × ${machine.cpuModel}; Node ${machine.node}; ${machine.commit}; median of ${RUNS} runs, each on a fresh restore\n`,
  );
  console.log(`| state | ${clis.join(' | ')} |\n|---|${clis.map(() => '---|').join('')}`);
  for (const state of states) {
    const times = clis.map(() => [] as number[]);
    const outcome = clis.map(() => '');
    for (let run = 0; run < RUNS; run++) {
      for (const [index, cli] of clis.entries()) {
        const url = await server.createDatabase('bench_adoption');
        await restoreState(url, state);
        const env = { PATH: process.env.PATH, DATABASE_URL: url, LOG_LEVEL: 'error' };
        const started = performance.now();
        const result = spawnSync(process.execPath, [cli, 'up'], { env, encoding: 'utf8' });
        times[index]!.push(performance.now() - started);
        outcome[index] = result.status === 0 ? '' : ` (exit ${result.status})`;
        await server.dropDatabase('bench_adoption');
      }
    }
    console.log(
      `| ${[state, ...times.map((t, i) => `${(median(t) / 1000).toFixed(2)} s${outcome[i]}`)].join(' | ')} |`,
    );
  }
} finally {
  await server.stop();
}
