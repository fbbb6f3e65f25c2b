// `npm run bench`: the benchmark of mnemolite-migrate against
// node-pg-migrate 9's CLI, side by side on one PostgreSQL server, written to
// docs/benchmarks.md. A benchmark, not a test: it fails only when it cannot
// measure, never because a target is missed.
//
//   BENCH_SMOKE=1          N=5, one run each, nothing written (add BENCH_WRITE=1 to write)
//   BENCH_RUNS=7           measured runs per cell (default 5)
//   BENCH_DATABASE_URL=…   use this server (a role that may create databases) instead of a container
//   BENCH_PG_IMAGE=…       the container's image (default TEST_PG_IMAGE, else pgvector/pgvector:pg18)
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './machine.ts';
import { canMeasureRss, removeScratch } from './measure.ts';
import { startPostgres } from './postgres-server.ts';
import { type Report, renderReport, writeSection } from './report.ts';
import { applyAll, type Context, concurrentRunners, noopAtHead } from './scenarios.ts';
import { startupBreakdown } from './startup-breakdown.ts';
import { judge } from './targets.ts';
import { pgImage } from './tools.ts';

const env = process.env;
const smoke = env.BENCH_SMOKE === '1';
const runs = env.BENCH_RUNS ? Number(env.BENCH_RUNS) : smoke ? 1 : 5;
if (!Number.isInteger(runs) || runs < 1) throw new Error('BENCH_RUNS must be a whole number of at least 1');
const sizes = smoke ? [5] : [50, 500];
const concurrentN = smoke ? 5 : 50;
const RUNNERS = 10;
const write = smoke ? env.BENCH_WRITE === '1' : env.BENCH_WRITE !== '0';
const docs = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const work = fileURLToPath(new URL('./.work', import.meta.url));

// Ctrl-C / SIGTERM still run the 'exit' handlers that remove the container
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));

const started = performance.now();
const loadBefore = loadavg()[0]!;
const progress = (line: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);

mkdirSync(work, { recursive: true });
progress(`starting PostgreSQL (${env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : pgImage(env)})`);
const server = await startPostgres();
try {
  progress(server.description);
  const context: Context = { server, work, runs, profiles: smoke ? 1 : 3, progress };
  const noop = [];
  for (const n of sizes) noop.push(await noopAtHead(context, n));
  const apply = [];
  for (const n of sizes) apply.push(await applyAll(context, n, { profile: n === sizes.at(-1) }));
  const concurrent = [await concurrentRunners(context, concurrentN, RUNNERS)];
  const breakdown = await startupBreakdown(context, sizes[0]!);

  const report: Report = {
    date: new Date(),
    command: commandLine(),
    smoke,
    runs,
    machine: describeMachine(),
    server: server.description,
    rssMeasured: canMeasureRss(),
    noop,
    apply,
    concurrent,
    breakdown,
    verdicts: judge(noop, apply, concurrent),
    seconds: (performance.now() - started) / 1000,
    load: { before: loadBefore, after: loadavg()[0]! },
  };
  const markdown = renderReport(report);
  process.stdout.write(`${markdown}\n`);
  if (write) {
    writeSection(docs, markdown);
    progress(`written to ${docs}`);
  } else {
    progress('not written (smoke run; BENCH_WRITE=1 writes it)');
  }
} finally {
  await server.stop();
  removeScratch();
}

// The command as it was run, with the BENCH_* settings that shaped it (no password).
function commandLine(): string {
  const settings = Object.entries(env)
    .filter(([name]) => name.startsWith('BENCH_'))
    .map(([name, value]) => `${name}=${name === 'BENCH_DATABASE_URL' ? redactUrl(value ?? '') : value}`)
    .sort();
  return [...settings, 'npm run bench'].join(' ');
}

function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.href;
  } catch {
    return '***';
  }
}
