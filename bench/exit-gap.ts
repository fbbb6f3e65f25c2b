// How long the process outlives its work: `up` on an empty database, run as the image runs it
// (the bundle, with the ENTRYPOINT's node flags from Dockerfile.migrate), from its last line on
// stderr to the exit the parent sees: in that window a `docker stop` used to turn a success into
// 143. Other command lines side by side (an older bundle from a git worktree, other flags),
// interleaved run by run. Prints only.
//   npm run bundle && node bench/exit-gap.ts ["FLAGS… CLI"…]   (BENCH_RUNS=10)
//   e.g. node bench/exit-gap.ts "/tmp/old/bundle/cli.js" "--liftoff-only bundle/cli.js"
import { spawn } from 'node:child_process';
import { IMAGE_NODE_FLAGS } from '../test/support/cli.ts';
import { describeMachine } from './machine.ts';
import { startPostgres } from './postgres-server.ts';
import { median } from './stats.ts';
import { PROJECT_ROOT } from './tools.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const clis =
  process.argv.length > 2 ? process.argv.slice(2) : [[...IMAGE_NODE_FLAGS, `${PROJECT_ROOT}bundle/cli.js`].join(' ')];
const migrationsDir = new URL('../migrations', import.meta.url).pathname;

/** Milliseconds from the last output to the exit, and the whole run. */
function run(commandLine: string, url: string): Promise<{ gap: number; total: number; code: number | null }> {
  return new Promise((resolve) => {
    const started = performance.now();
    let last = started;
    const child = spawn(process.execPath, [...commandLine.split(' '), 'up'], {
      env: { PATH: process.env.PATH, DATABASE_URL: url, MIGRATIONS_DIR: migrationsDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const seen = () => {
      last = performance.now();
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => {
      const end = performance.now();
      resolve({ gap: end - last, total: end - started, code });
    });
  });
}

const server = await startPostgres();
try {
  const machine = describeMachine();
  console.log(
    `${server.description}; ${machine.cpus} × ${machine.cpuModel}; Node ${machine.node}; ${machine.commit}; median (max) of ${RUNS} runs\n`,
  );
  console.log('| node … | last line → exit | whole `up` |\n|---|---|---|');
  const results = clis.map(() => ({ gaps: [] as number[], totals: [] as number[] }));
  for (let i = 0; i < RUNS; i++) {
    for (const [index, cli] of clis.entries()) {
      const url = await server.createDatabase('bench_exit_gap');
      const { gap, total, code } = await run(cli, url);
      if (code !== 0) throw new Error(`${cli} up exited ${code}`);
      results[index]!.gaps.push(gap);
      results[index]!.totals.push(total);
      await server.dropDatabase('bench_exit_gap');
    }
  }
  for (const [index, cli] of clis.entries()) {
    const { gaps, totals } = results[index]!;
    console.log(
      `| ${cli} | ${median(gaps).toFixed(0)} ms (${Math.max(...gaps).toFixed(0)}) | ${median(totals).toFixed(0)} ms |`,
    );
  }
} finally {
  await server.stop();
}
