// The benchmark's measurements, each on databases of its own, tools alternating
// round by round (the starting tool rotates) so that drift in the machine's
// load spreads over all of them.
import { type ProfiledRun, profileMedian } from './cpu-profile.ts';
import { generateMigrations } from './generate-migrations.ts';
import { type Measurement, measure, measureGroup } from './measure.ts';
import type { PostgresServer } from './postgres-server.ts';
import { commandFor, TOOL_LABELS, type ToolId } from './tools.ts';

export interface Samples {
  wallMs: number[];
  rssKiB: (number | null)[];
}

export interface NoopResult {
  n: number;
  tools: Record<'node' | 'ours' | 'ours-verify' | 'npm', Samples>;
}

export interface ApplyResult {
  n: number;
  tools: Record<'ours' | 'npm' | 'npm-per-migration', Samples>;
  /** CPU profile of our `up` from empty, when asked for */
  profile?: ProfiledRun;
}

export interface GroupRound {
  wallMs: number;
  /** when the first runner exited (for a lock holder: when the migrations were done) */
  firstExitMs: number;
  exitedZero: number;
  /** the largest peak RSS among the group */
  maxRssKiB: number | null;
  /** whether the database ended with all N migrations recorded */
  atHead: boolean;
  /** the first failure's output, to say why runners exited non-zero */
  failure?: string;
}

export type ConcurrentTool = 'ours' | 'npm' | 'npm-wait';

export interface ConcurrentResult {
  n: number;
  runners: number;
  tools: Record<ConcurrentTool, { alone: Samples; groups: GroupRound[] }>;
  /** `runners` × `node -e 0` started together: what starting that many Node processes costs here */
  floor: GroupRound[];
  /** `runners` × our no-op `up` started together on the database the group left at head: starting them, without waiting for a lock */
  noopGroup: GroupRound[];
}

export interface Context {
  server: PostgresServer;
  /** scratch directory for generated migrations */
  work: string;
  runs: number;
  /** CPU profiles per profiled command (the median one is reported) */
  profiles: number;
  progress(line: string): void;
}

const rotate = <T>(items: readonly T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length]!);
const empty = (): Samples => ({ wallMs: [], rssKiB: [] });
const record = (samples: Samples, run: Measurement) => {
  samples.wallMs.push(run.wallMs);
  samples.rssKiB.push(run.peakRssKiB);
};

function mustSucceed(tool: ToolId, what: string, run: Measurement): Measurement {
  if (run.code !== 0) throw new Error(`${TOOL_LABELS[tool]} (${what}) exited ${run.code}:\n${run.output}`);
  return run;
}

async function appliedCount(server: PostgresServer, database: string): Promise<number> {
  try {
    const rows = await server.query<{ n: string }>(database, 'select count(*) as n from public.pgmigrations');
    return Number(rows[0]!.n);
  } catch {
    return 0; // no table: nothing applied
  }
}

/** (1) and (4): no-op `up` and `verify` on a database already at head, against node-pg-migrate's no-op `up` and `node -e 0`. */
export async function noopAtHead(context: Context, n: number): Promise<NoopResult> {
  const { server, runs } = context;
  const dir = generateMigrations(`${context.work}/noop-${n}`, n);
  const database = `bench_noop_${n}`;
  const url = await server.createDatabase(database);
  // brought to head by our runner (which also records checksums); node-pg-migrate reads the same pgmigrations table
  mustSucceed('ours', `apply ${n} to prepare`, await measure(commandFor('ours', url, dir)));
  if ((await appliedCount(server, database)) !== n)
    throw new Error(`preparing no-op N=${n}: not all ${n} migrations are recorded`);
  const order: (keyof NoopResult['tools'])[] = ['node', 'ours', 'ours-verify', 'npm'];
  for (const tool of order) mustSucceed(tool, 'warm-up', await measure(commandFor(tool, url, dir))); // file cache, not measured
  const tools = { node: empty(), ours: empty(), 'ours-verify': empty(), npm: empty() };
  for (let round = 0; round < runs; round++) {
    context.progress(`no-op at head, N=${n}: round ${round + 1}/${runs}`);
    for (const tool of rotate(order, round))
      record(tools[tool], mustSucceed(tool, `no-op N=${n}`, await measure(commandFor(tool, url, dir))));
  }
  if ((await appliedCount(server, database)) !== n)
    throw new Error(`no-op N=${n}: the ledger changed during no-op runs`);
  await server.dropDatabase(database);
  return { n, tools };
}

/**
 * (2): every migration applied from an empty database, a fresh database per run.
 * node-pg-migrate's CLI applies them all in one transaction by default; it is
 * also measured with one transaction per migration, as this runner applies them.
 */
export async function applyAll(context: Context, n: number, options: { profile?: boolean } = {}): Promise<ApplyResult> {
  const { server, runs } = context;
  const dir = generateMigrations(`${context.work}/apply-${n}`, n);
  const tools = { ours: empty(), npm: empty(), 'npm-per-migration': empty() };
  const order: (keyof ApplyResult['tools'])[] = ['ours', 'npm', 'npm-per-migration'];
  const once = async (tool: keyof ApplyResult['tools'], nodeFlags: string[] = []) => {
    const database = `bench_apply_${n}_${tool.replaceAll('-', '_')}`;
    const url = await server.createDatabase(database);
    const run = mustSucceed(tool, `apply all N=${n}`, await measure(commandFor(tool, url, dir, nodeFlags)));
    const applied = await appliedCount(server, database);
    if (applied !== n)
      throw new Error(`${TOOL_LABELS[tool]} (apply all N=${n}) exited 0 but recorded ${applied} of ${n} migrations`);
    await server.dropDatabase(database);
    return run;
  };
  context.progress(`apply all from empty, N=${n}: warm-up`);
  for (const tool of order) await once(tool); // the server's WAL and caches, not measured
  for (let round = 0; round < runs; round++) {
    context.progress(`apply all from empty, N=${n}: round ${round + 1}/${runs}`);
    for (const tool of rotate(order, round)) record(tools[tool], await once(tool));
  }
  if (!options.profile) return { n, tools };
  context.progress(`apply all from empty, N=${n}: ${context.profiles} CPU profile(s)`);
  const profile = await profileMedian(
    `${context.work}/cpu-profiles/apply-${n}`,
    context.profiles,
    async (flags) => void (await once('ours', flags)),
  );
  return { n, tools, profile };
}

/** (3): `runners` copies started together on an empty database, and one alone on another, per round. */
export async function concurrentRunners(context: Context, n: number, runners: number): Promise<ConcurrentResult> {
  const { server, runs } = context;
  const dir = generateMigrations(`${context.work}/concurrent-${n}`, n);
  const order: ConcurrentTool[] = ['ours', 'npm', 'npm-wait'];
  const tools = {
    ours: { alone: empty(), groups: [] as GroupRound[] },
    npm: { alone: empty(), groups: [] as GroupRound[] },
    'npm-wait': { alone: empty(), groups: [] as GroupRound[] },
  };
  const floor: GroupRound[] = [];
  const noopGroup: GroupRound[] = [];
  for (let round = 0; round < runs; round++) {
    context.progress(`${runners} runners at once, N=${n}: round ${round + 1}/${runs}`);
    for (const tool of rotate(order, round)) {
      const database = `bench_concurrent_${tool.replaceAll('-', '_')}`;
      let url = await server.createDatabase(database);
      record(
        tools[tool].alone,
        mustSucceed(tool, `one runner alone N=${n}`, await measure(commandFor(tool, url, dir))),
      );
      url = await server.createDatabase(database);
      const group = await measureGroup(Array.from({ length: runners }, () => commandFor(tool, url, dir)));
      tools[tool].groups.push(summarizeGroup(group, (await appliedCount(server, database)) === n));
      if (tool === 'ours') {
        const again = await measureGroup(Array.from({ length: runners }, () => commandFor('ours', url, dir)));
        noopGroup.push(summarizeGroup(again, (await appliedCount(server, database)) === n));
      }
      await server.dropDatabase(database);
    }
    const nodes = await measureGroup(Array.from({ length: runners }, () => commandFor('node', '', dir)));
    floor.push(summarizeGroup(nodes, true));
  }
  return { n, runners, tools, floor, noopGroup };
}

function summarizeGroup(group: { wallMs: number; runs: Measurement[] }, atHead: boolean): GroupRound {
  const failed = group.runs.find((run) => run.code !== 0);
  const rss = group.runs.map((run) => run.peakRssKiB).filter((kib): kib is number => kib !== null);
  return {
    wallMs: group.wallMs,
    firstExitMs: Math.min(...group.runs.map((run) => run.wallMs)),
    exitedZero: group.runs.filter((run) => run.code === 0).length,
    maxRssKiB: rss.length > 0 ? Math.max(...rss) : null,
    atHead,
    ...(failed && { failure: `exit ${failed.code}: ${errorLine(failed.output)}` }),
  };
}

// The line that says what went wrong, rather than the stack under it.
function errorLine(output: string): string {
  const lines = output
    .trim()
    .split('\n')
    .map((line) => line.trim());
  return (
    lines.find((line) => /\berror\b/i.test(line) && !line.startsWith('at ')) ??
    lines.at(-1) ??
    '(no output)'
  ).slice(0, 300);
}
