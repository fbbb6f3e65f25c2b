// Where the time of a no-op `up` goes: Node alone, Node plus every module of
// the CLI (`--version`: no settings, no database), the whole no-op; what each
// package the no-op path imports costs on its own; and a CPU profile
// (`node --cpu-prof dist/cli.js up`) summarized by who is on the stack.
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type ProfiledRun, profileMedian } from './cpu-profile.ts';
import { generateMigrations } from './generate-migrations.ts';
import { type Command, type Measurement, measure } from './measure.ts';
import type { Context, Samples } from './scenarios.ts';
import { commandFor, importOnly, ourCli, pgRoundTrip } from './tools.ts';

export interface Breakdown {
  n: number;
  phases: { label: string; samples: Samples }[];
  /** per package: median wall and peak RSS of importing it alone, and of `node -e 0` measured alongside */
  imports: { specifier: string; samples: Samples }[];
  importFloor: Samples;
  /** every one of those packages imported together, without any module of ours */
  importAll: Samples;
  profile: ProfiledRun;
}

const HOOK = fileURLToPath(new URL('./record-imports-hook.ts', import.meta.url));

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
  const specifiers = [...new Set(readFileSync(importsFile, 'utf8').split('\n').filter(Boolean))].filter(
    (s) => !builtinModules.includes(s),
  );

  const phases: { label: string; command: Command }[] = [
    { label: '`node -e 0`', command: commandFor('node', url, dir) },
    {
      label: '`node dist/cli.js --version` (Node + loading every module of the CLI; no settings, no database)',
      command: ourCli(['--version'], url, dir),
    },
    {
      label: 'reference: import `pg`, connect, `select 1`, disconnect (the least a runner built on pg does)',
      command: pgRoundTrip(url),
    },
    { label: `\`node dist/cli.js up\` at head, N=${n}`, command: commandFor('ours', url, dir) },
  ];
  const phaseSamples = phases.map(() => ({ wallMs: [], rssKiB: [] }) as Samples);
  const importSamples = specifiers.map(() => ({ wallMs: [], rssKiB: [] }) as Samples);
  const importFloor: Samples = { wallMs: [], rssKiB: [] };
  const importAll: Samples = { wallMs: [], rssKiB: [] };
  const jobs: { command: Command; samples: Samples }[] = [
    ...phases.map((phase, i) => ({ command: phase.command, samples: phaseSamples[i]! })),
    ...specifiers.map((specifier, i) => ({ command: importOnly(specifier), samples: importSamples[i]! })),
    { command: importOnly('node:os'), samples: importFloor },
    { command: importOnly(...specifiers), samples: importAll },
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

  context.progress(`no-op breakdown: ${context.profiles} CPU profile(s)`);
  const profile = await profileMedian(`${work}/cpu-profiles/noop-${n}`, context.profiles, async (flags) => {
    ok(await measure(commandFor('ours', url, dir, flags)), 'profile');
  });

  await server.dropDatabase(database);
  return {
    n,
    phases: phases.map((phase, i) => ({ label: phase.label, samples: phaseSamples[i]! })),
    imports: specifiers.map((specifier, i) => ({ specifier, samples: importSamples[i]! })),
    importFloor,
    importAll,
    profile,
  };
}

function ok(run: Measurement, what: string): Measurement {
  if (run.code !== 0) throw new Error(`no-op breakdown (${what}) exited ${run.code}:\n${run.output}`);
  return run;
}
