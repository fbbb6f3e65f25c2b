// `npm run bench:startup`: the start-up floor, in one run. The no-op `up` on a
// database at the head of this project's own migrations, as the image runs it (the esbuild
// bundle with the Dockerfile's ENTRYPOINT flags and ENV) and as tsc builds it (dist/),
// alternating with `node -e 0`; wall time and peak RSS; where the resident memory is at
// exit; a CPU profile of the image's variant; and the image's own layers (docker build).
// Written to docs/benchmarks.md between the startup markers. A benchmark, not a test.
//
//   BENCH_STARTUP_RUNS=40  measured rounds (default 40: the machines here are shared and noisy)
//   BENCH_IMAGE=0          skip building the image (no Docker engine)
//   NODE_IMAGE=…           the Dockerfile's base (default node:24-bookworm-slim)
//   BENCH_DATABASE_URL / BENCH_PG_IMAGE: the server, as for `npm run bench`
//   BENCH_WRITE=0          print only
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ProfiledRun, profileMedian } from './cpu-profile.ts';
import { describeMachine } from './machine.ts';
import { type Command, canMeasureRss, type Measurement, measure, removeScratch } from './measure.ts';
import { startPostgres } from './postgres-server.ts';
import { renderProfile, writeSection } from './report.ts';
import type { Samples } from './scenarios.ts';
import { median, medianOrNull, mib, ratio, seconds, wallRange } from './stats.ts';
import { commandFor, PROJECT_ROOT, pgImage } from './tools.ts';

const env = process.env;
const runs = Number(env.BENCH_STARTUP_RUNS ?? 40);
if (!Number.isInteger(runs) || runs < 1) throw new Error('BENCH_STARTUP_RUNS must be a whole number of at least 1');
const docs = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const work = fileURLToPath(new URL('./.work', import.meta.url));
const MIGRATIONS = `${PROJECT_ROOT}migrations`;
const BUNDLE_CLI = `${PROJECT_ROOT}bundle/cli.js`;
const TARGET = { ratio: 2.3, rssMiB: 55, layersMB: 3 };

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
const started = performance.now();
const loadBefore = loadavg()[0]!;
const progress = (line: string) =>
  process.stderr.write(`[startup ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);

/** What the image runs: node's flags from the ENTRYPOINT, the ENV settings, both from Dockerfile.migrate. */
function imageProcess(): { flags: string[]; env: Record<string, string>; entrypoint: string } {
  const dockerfile = readFileSync(`${PROJECT_ROOT}Dockerfile.migrate`, 'utf8');
  const entrypoint = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
  if (!entrypoint) throw new Error('Dockerfile.migrate: no ENTRYPOINT in exec form');
  const argv = JSON.parse(entrypoint) as string[];
  if (argv[0] !== 'node' || argv.at(-1) !== '/app/dist/cli.js')
    throw new Error(`Dockerfile.migrate: ENTRYPOINT ${entrypoint} is not node … /app/dist/cli.js`);
  const settings: Record<string, string> = {};
  for (const [, line] of dockerfile.matchAll(/^ENV\s+(.+)$/gm))
    for (const [, name, value] of line!.matchAll(/(\w+)=(\S+)/g)) settings[name!] = value!;
  return { flags: argv.slice(1, -1), env: settings, entrypoint };
}

// The process's resident memory at exit by where it lives (/proc/self/smaps): the node
// binary's pages (code and data paged in from the file), other files, anonymous memory.
const SMAPS_AT_EXIT = `data:text/javascript,${encodeURIComponent(`
process.on('exit', () => {
  const fs = process.getBuiltinModule('fs');
  const kib = { binary: 0, files: 0, anonymous: 0 };
  let where = '';
  for (const line of fs.readFileSync('/proc/self/smaps', 'utf8').split('\\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \\S+ \\S+ \\S+ \\S+\\s*(.*)$/.exec(line);
    if (head) { where = head[1].startsWith('/') ? (head[1] === process.execPath ? 'binary' : 'files') : 'anonymous'; continue; }
    const rss = /^Rss:\\s+(\\d+)/.exec(line);
    if (rss) kib[where] += Number(rss[1]);
  }
  fs.writeFileSync(process.env.BENCH_SMAPS_FILE, JSON.stringify(kib));
});`)}`;

/** The files of a compile cache directory (one per module), or none without one. */
function cacheEntries(dir: string | undefined): string[] {
  if (!dir) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

type Variant = { label: string; command: Command; samples: Samples; memory?: Record<string, number> };

progress(`starting PostgreSQL (${env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : pgImage(env)})`);
mkdirSync(work, { recursive: true });
const server = await startPostgres();
try {
  const url = await server.createDatabase('bench_startup');
  const image = imageProcess();
  const files = readdirSync(MIGRATIONS).filter((file) => /^\d.*\.(ts|sql)$/.test(file)).length;
  const prepared = await measure(commandFor('ours', url, MIGRATIONS));
  if (prepared.code !== 0)
    throw new Error(`applying migrations/ to prepare exited ${prepared.code}:\n${prepared.output}`);

  const bundle = (flags: string[], extra: Record<string, string>, args = ['up']): Command => {
    const base = commandFor('ours', url, MIGRATIONS);
    return { ...base, argv: [process.execPath, ...flags, BUNDLE_CLI, ...args], env: { ...base.env, ...extra } };
  };
  const settings = Object.entries(image.env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  if (image.env.NODE_COMPILE_CACHE) {
    // made as Dockerfile.migrate makes it (`--version`, then `up` against no server), here for bundle/
    const cache = `${work}/compile-cache`;
    rmSync(cache, { recursive: true, force: true });
    image.env.NODE_COMPILE_CACHE = cache;
    await measure(bundle(image.flags, image.env, ['--version']));
    await measure(
      bundle(image.flags, {
        ...image.env,
        MIGRATE_WAIT_TIMEOUT: '0',
        DATABASE_URL: 'postgres://cache@127.0.0.1:9/cache',
      }),
    );
    if (readdirSync(cache).length === 0) throw new Error(`no compile cache written to ${cache}`);
  }
  const cached = cacheEntries(image.env.NODE_COMPILE_CACHE);
  const variants: Variant[] = [
    { label: '`node -e 0`', command: commandFor('node', url, MIGRATIONS), samples: { wallMs: [], rssKiB: [] } },
    {
      label: `no-op \`up\`, the image's: \`node ${[...image.flags, 'bundle/cli.js'].join(' ')} up\`${settings ? ` with ${settings}` : ''}`,
      command: bundle(image.flags, image.env),
      samples: { wallMs: [], rssKiB: [] },
    },
    {
      label: 'no-op `up`, the bundle alone (no flags, no compile cache): `node bundle/cli.js up`',
      command: bundle([], {}),
      samples: { wallMs: [], rssKiB: [] },
    },
    {
      label: 'no-op `up` from tsc: `node dist/cli.js up`',
      command: commandFor('ours', url, MIGRATIONS),
      samples: { wallMs: [], rssKiB: [] },
    },
  ];
  const ok = (run: Measurement, label: string) => {
    if (run.code !== 0) throw new Error(`${label} exited ${run.code}:\n${run.output}`);
    return run;
  };
  for (const variant of variants) ok(await measure(variant.command), variant.label); // warm-up: file cache
  // The image's cache is read-only at run time: a module its no-op loads but the Dockerfile's start
  // without a server did not would be compiled at every start there, and only once here.
  const uncached = cacheEntries(image.env.NODE_COMPILE_CACHE).filter((entry) => !cached.includes(entry));
  if (uncached.length > 0)
    throw new Error(
      `the no-op loads ${uncached.length} modules the image's compile cache does not hold (Dockerfile.migrate)`,
    );
  for (let round = 0; round < runs; round++) {
    if (round % 10 === 0) progress(`round ${round + 1}/${runs}`);
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length]!;
      const run = ok(await measure(variant.command), variant.label);
      variant.samples.wallMs.push(run.wallMs);
      variant.samples.rssKiB.push(run.peakRssKiB);
    }
  }
  for (const variant of variants) {
    const file = `${work}/smaps-${variants.indexOf(variant)}.json`;
    const { command } = variant;
    const traced = {
      ...command,
      argv: [command.argv[0]!, '--import', SMAPS_AT_EXIT, ...command.argv.slice(1)],
      env: { ...command.env, BENCH_SMAPS_FILE: file },
    };
    ok(await measure(traced), variant.label);
    variant.memory = JSON.parse(readFileSync(file, 'utf8'));
  }
  progress('CPU profiles of the image variant');
  const imageCommand = variants[1]!.command;
  const profile = await profileMedian(`${work}/cpu-profiles/startup`, 5, async (flags) => {
    const argv = [imageCommand.argv[0]!, ...flags, ...imageCommand.argv.slice(1)];
    ok(await measure({ ...imageCommand, argv }), 'profile');
  });
  await server.dropDatabase('bench_startup');

  const layers = env.BENCH_IMAGE === '0' ? undefined : imageLayers();
  const markdown = render({ variants, files, profile, layers, image: image.entrypoint });
  process.stdout.write(`${markdown}\n`);
  if (env.BENCH_WRITE !== '0') {
    writeSection(docs, markdown, ['<!-- startup:start -->', '<!-- startup:end -->']);
    progress(`written to ${docs}`);
  }
} finally {
  await server.stop();
  removeScratch();
}

interface Layers {
  tag: string;
  base: string;
  totalBytes: number;
  layers: { size: string; createdBy: string }[];
}

/** Builds the image and sums what its layers add to the base: `docker image inspect` sizes, `docker history` per layer. */
function imageLayers(): Layers {
  const base = env.NODE_IMAGE || 'node:24-bookworm-slim';
  const tag = 'mnemolite-migrate:bench-startup';
  const docker = (...args: string[]) => {
    const run = spawnSync('docker', args, { cwd: PROJECT_ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0)
      throw new Error(`docker ${args.join(' ')} failed (BENCH_IMAGE=0 skips the image):\n${run.stderr}`);
    return run.stdout.trim();
  };
  progress(`docker build (${base})`);
  docker('build', '-q', '-f', 'Dockerfile.migrate', '--build-arg', `NODE_IMAGE=${base}`, '-t', tag, '.');
  try {
    const size = (image: string) => Number(docker('image', 'inspect', '-f', '{{.Size}}', image));
    const ours = docker('history', '-q', tag).split('\n').length - docker('history', '-q', base).split('\n').length;
    const layers = docker('history', '--no-trunc', '--format', '{{.Size}}|{{.CreatedBy}}', tag)
      .split('\n')
      .slice(0, ours)
      .map((line) => {
        const [layerSize, createdBy] = line.split(/\|(.*)/s) as [string, string];
        return { size: layerSize, createdBy: createdBy.replace(/ # buildkit$/, '') };
      })
      .filter((layer) => layer.size !== '0B');
    return { tag, base, totalBytes: size(tag) - size(base), layers };
  } finally {
    docker('rmi', tag);
  }
}

function render(run: {
  variants: Variant[];
  files: number;
  profile: ProfiledRun;
  layers: Layers | undefined;
  image: string;
}): string {
  const machine = describeMachine();
  const [floor, ofImage, , ofTsc] = run.variants as [Variant, Variant, Variant, Variant];
  const floorWall = median(floor.samples.wallMs);
  const floorRss = medianOrNull(floor.samples.rssKiB);
  const rssRange = (samples: Samples) => {
    const known = samples.rssKiB.filter((kib): kib is number => kib !== null);
    return known.length > 1
      ? `${mib(medianOrNull(known))} (${(Math.min(...known) / 1024).toFixed(1)}–${(Math.max(...known) / 1024).toFixed(1)})`
      : mib(medianOrNull(known));
  };
  const lines: string[] = [
    "## Start-up floor: the image's no-op `up` against `node -e 0`",
    '',
    '_Written by `npm run bench:startup` (bench/startup.ts); edit the code, not this section._',
    '',
    `- **Command:** \`${[
      ...Object.entries(env)
        .filter(([k]) => /^(BENCH_|NODE_IMAGE$)/.test(k) && k !== 'BENCH_DATABASE_URL')
        .map(([k, v]) => `${k}=${v}`),
      'npm run bench:startup',
    ].join(
      ' ',
    )}\` (= \`npm run build && npm run bundle && node bench/startup.ts\`) — ${runs} rounds after one warm-up each, the ${run.variants.length} processes alternating with the first rotating each round; medians (min–max); took ${Math.round((performance.now() - started) / 1000)} s.`,
    `- **Date:** ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; mnemolite-migrate ${machine.ours} at ${machine.commit}`,
    `- **Machine:** ${machine.cpus} CPU (${machine.cpuModel}), ${machine.memory} RAM, ${machine.kernel}; load average ${loadBefore.toFixed(2)} before the run, ${loadavg()[0]!.toFixed(2)} after (shared with other users: their load shows in \`node -e 0\`)`,
    `- **Versions:** Node ${machine.node}; ${server.description}`,
    `- **How:** a database brought to the head of this project's \`migrations/\` (${run.files} files, what the image ships), then the no-op \`up\` on it: the quick look (one connection without pg; one query, written with the last password message, for the server's pid, the lock holder, a digest of the ledger, the catalog fingerprint and the schema checks; ${run.files} migrations and their expected catalogs read and hashed meanwhile). DATABASE_URL names the server by a host name (\`localhost\`, as the test container gives it), which every start resolves, as it does \`db\` in a compose file: Node checks first that the name is no IPv6 address, a regular expression compiled on that first use (about 4 ms here), then getaddrinfo looks it up. The image's variant is read from Dockerfile.migrate (ENTRYPOINT \`${run.image}\`, its ENV), with \`/app/dist\` = \`bundle/\` (\`npm run bundle\`) and its compile cache made as the Dockerfile makes it (\`--version\`, then \`up\` against no server, with the same flags). Each process spawned by Node with a minimal environment (PATH, HOME, DATABASE_URL, MIGRATIONS_DIR, LOG_LEVEL=warn), wall time from spawn to exit, peak RSS from \`/usr/bin/time -f %M\`${canMeasureRss() ? '' : ' (not measured here: no GNU time)'}.`,
    '',
    '| process | wall | ÷ `node -e 0` | peak RSS | over `node -e 0` |',
    '| --- | --- | --- | --- | --- |',
    ...run.variants.map((v) => {
      const kib = medianOrNull(v.samples.rssKiB);
      return `| ${v.label} | ${wallRange(v.samples.wallMs)} | ${ratio(median(v.samples.wallMs), floorWall)} | ${rssRange(v.samples)} | ${kib === null || floorRss === null ? 'n/a' : `+${((kib - floorRss) / 1024).toFixed(1)} MiB`} |`;
    }),
    '',
  ];
  const imageWall = median(ofImage.samples.wallMs);
  const imageRss = medianOrNull(ofImage.samples.rssKiB);
  const verdict = (met: boolean | null) => (met === null ? 'not measured' : met ? '**met**' : '**not met**');
  lines.push(
    '| target | measured | status |',
    '| --- | --- | --- |',
    `| the image's no-op \`up\` ≤ ${TARGET.ratio}× \`node -e 0\` | ${seconds(imageWall)} vs ${seconds(floorWall)} = ${ratio(imageWall, floorWall)} (from dist/: ${ratio(median(ofTsc.samples.wallMs), floorWall)}) | ${verdict(imageWall / floorWall <= TARGET.ratio)} |`,
    `| its peak RSS ≤ ${TARGET.rssMiB} MiB | ${mib(imageRss)} (from dist/: ${mib(medianOrNull(ofTsc.samples.rssKiB))}) | ${verdict(imageRss === null ? null : imageRss <= TARGET.rssMiB * 1024)} |`,
    `| the project's own layers in the image ≤ ${TARGET.layersMB} MB | ${run.layers ? `${(run.layers.totalBytes / 1e6).toFixed(2)} MB` : 'not measured (BENCH_IMAGE=0)'} | ${verdict(run.layers ? run.layers.totalBytes <= TARGET.layersMB * 1e6 : null)} |`,
    '',
  );
  if (run.layers) {
    lines.push(
      `The image's own layers (\`docker build -f Dockerfile.migrate --build-arg NODE_IMAGE=${run.layers.base}\`, its size less the base's by \`docker image inspect\`: ${run.layers.totalBytes} bytes; per layer from \`docker history\`):`,
      '',
      '| layer | size |',
      '| --- | --- |',
      ...run.layers.layers.map((layer) => `| \`${layer.createdBy.slice(0, 70)}\` | ${layer.size} |`),
      '',
    );
  }
  const mem = (v: Variant, key: string) => ((v.memory?.[key] ?? 0) / 1024).toFixed(1);
  lines.push(
    "Where each process's resident memory is at exit (`/proc/self/smaps`, one run each with a preloaded `--import` hook that reads it; the peak is a little higher): pages of the node binary itself (its machine code — the parser, the compilers, OpenSSL — and data paged in as they are used), other files, and anonymous memory (the V8 heap, malloc):",
    '',
    '| process | node binary | other files | anonymous | total |',
    '| --- | --- | --- | --- | --- |',
    ...run.variants.map(
      (v) =>
        `| ${v.label} | ${mem(v, 'binary')} MiB | ${mem(v, 'files')} MiB | ${mem(v, 'anonymous')} MiB | ${(((v.memory?.binary ?? 0) + (v.memory?.files ?? 0) + (v.memory?.anonymous ?? 0)) / 1024).toFixed(1)} MiB |`,
    ),
    '',
    ...renderProfile(
      run.profile,
      `CPU profile of the image's no-op \`up\` (\`node --cpu-prof --cpu-prof-interval 250 … bundle/cli.js up\` with the image's flags, the median of ${run.profile.profiles} by length; the profiler slows the process; in the bundle, packages and our modules share files, so owners are the bundle's files)`,
    ),
  );
  return lines.join('\n').trimEnd();
}
