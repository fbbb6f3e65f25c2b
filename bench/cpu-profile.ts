// Where a process spends its time, from a V8 CPU profile (`node --cpu-prof`):
// sampled time by the package (or our own module) that is on the stack, when
// module loading ends, and the waits on the network between JavaScript bursts.
import { readFileSync } from 'node:fs';

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
  /** idle stretches of at least 1 ms, with what ran just before */
  waits: { atMs: number; ms: number; after: string }[];
}

const PROJECT = /\/(dist|src|bench)\/([^/]+\/)?[^/]+\.[jt]s$/;

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
    const own = PROJECT.exec(stack[i]!.url);
    if (own) return stack[i]!.url.slice(stack[i]!.url.lastIndexOf(`/${own[1]}/`) + 1);
  }
  if (stack.some((f) => /modules\/(esm|cjs)|module_job|translators/.test(f.url))) return 'node: module loading (resolve, read, link)';
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
    let stack = stacks.get(id);
    if (!stack) stacks.set(id, (stack = stackOf(id)));
    if (mainAt === null && stack.some((f) => f.functionName === 'main' && /\/dist\/cli\.js$/.test(f.url))) mainAt = at;
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
    if (!idle) previous = describeFrame(stack);
  }
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    modulesLoadedAtMs: mainAt,
    byOwner: [...owners].map(([owner, t]) => ({ owner, ...t })).sort((a, b) => b.ms - a.ms),
    waits,
  };
}

// The innermost frame of ours or of a package, to say what a wait followed.
function describeFrame(stack: CallFrame[]): string {
  for (let i = stack.length - 1; i >= 0; i--) {
    const frame = stack[i]!;
    if (PROJECT.test(frame.url)) return `${frame.functionName || '(top level)'} (${frame.url.replace(/^.*\/(dist|src|bench)\//, '$1/')}:${frame.lineNumber + 1})`;
  }
  const leaf = stack[stack.length - 1];
  return leaf ? `${leaf.functionName || '(anonymous)'} ${leaf.url.replace(/^.*node_modules\//, '')}` : '?';
}
