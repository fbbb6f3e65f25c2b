// Where a process spends its time, from a V8 CPU profile (`node --cpu-prof`):
// sampled time by the package (or our own module) that is on the stack, when
// module loading ends, and the waits on the network between JavaScript bursts.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  parent?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** from the profiler's start to its end, ms */
  totalMs: number;
  /** when `main` of dist/cli.js first ran: everything before is starting Node and loading modules */
  modulesLoadedAtMs: number | null;
  /** sampled ms per owner (see ownerOf), largest first */
  byOwner: { owner: string; ms: number; beforeMain: number }[];
  /** idle stretches of at least 1 ms, with the last code of ours that ran before */
  waits: { atMs: number; ms: number; after: string }[];
}

const PROJECT = /\/(dist|src|bundle)\/([^/]+\/)?[^/]+\.[jt]s$/;
const ours = (url: string) => PROJECT.test(url) && !url.includes('/node_modules/');

// Who a sample's time belongs to: the outermost node_modules package on the
// stack (what our code imported or called), else our own module, else Node.
function ownerOf(stack: CallFrame[]): string {
  if (stack.length === 0) return 'unknown';
  const leaf = stack[stack.length - 1]!;
  if (leaf.functionName === '(idle)') return '(idle: waiting on I/O)';
  if (leaf.functionName === '(garbage collector)') return '(garbage collector)';
  if (leaf.functionName === '(program)') return '(program: V8 parsing/compiling, native)';
  for (const frame of stack) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(frame.url);
    if (pkg) return `package ${pkg[1]}`;
  }
  for (let i = stack.length - 1; i >= 0; i--) {
    const url = stack[i]!.url;
    if (ours(url)) return url.slice(url.lastIndexOf(`/${PROJECT.exec(url)![1]}/`) + 1);
  }
  if (stack.some((f) => /modules\/(esm|cjs)|module_job|translators/.test(f.url)))
    return 'node: module loading (resolve, read, link)';
  return 'node: other built-ins';
}

export function summarizeProfile(path: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) byId.get(child)!.parent = node.id;
  const stackOf = (id: number): CallFrame[] => {
    const frames: CallFrame[] = [];
    for (let node = byId.get(id); node; node = node.parent === undefined ? undefined : byId.get(node.parent)) {
      if (node.callFrame.functionName !== '(root)') frames.unshift(node.callFrame);
    }
    return frames;
  };
  const stacks = new Map<number, CallFrame[]>();
  const owners = new Map<string, { ms: number; beforeMain: number }>();
  const waits: ProfileSummary['waits'] = [];
  let at = 0;
  let mainAt: number | null = null;
  let previous = '';
  let idleStart = -1;
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the time from sample i-1 to sample i: the time sample i stands for is the next delta
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    at += (profile.timeDeltas[i] ?? 0) / 1000;
    const id = profile.samples[i]!;
    const stack = stacks.get(id) ?? stackOf(id);
    stacks.set(id, stack);
    if (mainAt === null && stack.some((f) => f.functionName === 'main' && /\/(dist|bundle)\/cli\.js$/.test(f.url)))
      mainAt = at;
    const owner = ownerOf(stack);
    const entry = owners.get(owner) ?? { ms: 0, beforeMain: 0 };
    entry.ms += ms;
    if (mainAt === null) entry.beforeMain += ms;
    owners.set(owner, entry);
    const idle = owner.startsWith('(idle');
    if (idle && idleStart < 0) idleStart = at;
    if (!idle && idleStart >= 0) {
      if (at - idleStart >= 1) waits.push({ atMs: idleStart, ms: at - idleStart, after: previous });
      idleStart = -1;
    }
    const own = innermostOwn(stack);
    if (!idle && own) previous = own;
  }
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    modulesLoadedAtMs: mainAt,
    byOwner: [...owners].map(([owner, t]) => ({ owner, ...t })).sort((a, b) => b.ms - a.ms),
    waits,
  };
}

// The innermost frame of our own code on a stack, if any.
function innermostOwn(stack: CallFrame[]): string | undefined {
  for (let i = stack.length - 1; i >= 0; i--) {
    const frame = stack[i]!;
    if (ours(frame.url))
      return `${frame.functionName || '(top level)'} (${frame.url.replace(/^.*\/(dist|src|bundle)\//, '$1/')}:${frame.lineNumber + 1})`;
  }
  return undefined;
}

export type ProfiledRun = ProfileSummary & { path: string; profiles: number };

export const PROFILE_FLAGS = (dir: string) => ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250'];

/**
 * Runs `runOnce` (which starts one process with the given extra Node flags) `count`
 * times with the profiler on, and returns the summary of the profile whose length is the median.
 */
export async function profileMedian(
  dir: string,
  count: number,
  runOnce: (nodeFlags: string[]) => Promise<void>,
): Promise<ProfiledRun> {
  rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < count; i++) await runOnce(PROFILE_FLAGS(dir));
  const summaries = readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .map((file) => ({ path: join(dir, file), ...summarizeProfile(join(dir, file)) }))
    .sort((a, b) => a.totalMs - b.totalMs);
  if (summaries.length === 0) throw new Error(`no CPU profile written to ${dir}`);
  return { ...summaries[Math.floor(summaries.length / 2)]!, profiles: summaries.length };
}
