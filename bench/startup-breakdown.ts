// Where the time of a no-op `up` goes: Node alone, Node plus every module of
// the CLI (`--version`: no settings, no database), the whole no-op; what each
// package the no-op path imports costs on its own; and a CPU profile
// (`node --cpu-prof dist/cli.js up`) summarized by who is on the stack.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { summarizeProfile, type ProfileSummary } from './cpu-profile.ts';
import { generateMigrations } from './generate-migrations.ts';
import { measure, type Command, type Measurement } from './measure.ts';
import { commandFor, importOnly, ourCli } from './tools.ts';
import type { Context, Samples } from './scenarios.ts';

export interface Breakdown {
  n: number;
  phases: { label: string; samples: Samples }[];
  /** per package: median wall and peak RSS of importing it alone, and of `node -e 0` measured alongside */
  imports: { specifier: string; samples: Samples }[];
  importFloor: Samples;
  profile: ProfileSummary & { path: string; profiles: number };
}

const HOOK = fileURLToPath(new URL('./record-imports-hook.ts', import.meta.url));
const PROFILES = 3;

export async function startupBreakdown(context: Context, n: number): Promise<Breakdown> {
  const { server, runs, work } = context;
  const dir = generateMigrations(`${work}/breakdown-${n}`, n);
  const database = 'bench_breakdown';
  const url = await server.createDatabase(database);
  ok(await measure(commandFor('ours', url, dir)), 'prepare');

  // the packages the no-op path imports, as it runs
  const importsFile = `${work}/imports.txt`;
  rmSync(importsFile, { force: true });
  const traced = commandFor('ours', url, dir, ['--import', HOOK]);
  ok(await measure({ ...traced, env: { ...traced.env, BENCH_IMPORTS_FILE: importsFile } }), 'trace imports');
  const specifiers = [...new Set(readFileSync(importsFile, 'utf8').split('\n').filter(Boolean))].filter((s) => !builtinModules.includes(s));

  const phases: { label: string; command: Command }[] = [
    { label: '`node -e 0`', command: commandFor('node', url, dir) },
    { label: '`node dist/cli.js --version` (Node + loading every module of the CLI; no settings, no database)', command: ourCli(['--version'], url, dir) },
    { label: `\`node dist/cli.js up\` at head, N=${n}`, command: commandFor('ours', url, dir) },
  ];
  const phaseSamples = phases.map(() => ({ wallMs: [], rssKiB: [] }) as Samples);
  const importSamples = specifiers.map(() => ({ wallMs: [], rssKiB: [] }) as Samples);
  const importFloor: Samples = { wallMs: [], rssKiB: [] };
  const jobs: { command: Command; samples: Samples }[] = [
    ...phases.map((phase, i) => ({ command: phase.command, samples: phaseSamples[i]! })),
    ...specifiers.map((specifier, i) => ({ command: importOnly(specifier), samples: importSamples[i]! })),
    { command: importOnly('node:os'), samples: importFloor },
  ];
  for (const job of jobs) ok(await measure(job.command), 'warm-up');
  for (let round = 0; round < runs; round++) {
    context.progress(`no-op breakdown: round ${round + 1}/${runs}`);
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[(i + round) % jobs.length]!;
      const run = ok(await measure(job.command), 'breakdown');
      job.samples.wallMs.push(run.wallMs);
      job.samples.rssKiB.push(run.peakRssKiB);
    }
  }

  // profiles: keep the one whose length is the median
  context.progress(`no-op breakdown: ${PROFILES} CPU profiles`);
  const profileDir = `${work}/cpu-profiles`;
  rmSync(profileDir, { recursive: true, force: true });
  for (let i = 0; i < PROFILES; i++) ok(await measure(commandFor('ours', url, dir, ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', '250'])), 'profile');
  const summaries = readdirSync(profileDir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .map((file) => ({ path: `${profileDir}/${file}`, ...summarizeProfile(`${profileDir}/${file}`) }))
    .sort((a, b) => a.totalMs - b.totalMs);
  const profile = { ...summaries[Math.floor(summaries.length / 2)]!, profiles: summaries.length };

  await server.dropDatabase(database);
  return {
    n,
    phases: phases.map((phase, i) => ({ label: phase.label, samples: phaseSamples[i]! })),
    imports: specifiers.map((specifier, i) => ({ specifier, samples: importSamples[i]! })),
    importFloor,
    profile,
  };
}

function ok(run: Measurement, what: string): Measurement {
  if (run.code !== 0) throw new Error(`no-op breakdown (${what}) exited ${run.code}:\n${run.output}`);
  return run;
}
