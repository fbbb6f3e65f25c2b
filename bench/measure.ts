// Runs one command as a child process and measures it: wall time from spawn to
// exit (performance.now() in this process) and peak RSS (GNU time's %M, the
// child's maximum resident set from wait4(), when /usr/bin/time is there).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';

export interface Command {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface Measurement {
  wallMs: number;
  /** KiB; null when peak RSS cannot be measured here */
  peakRssKiB: number | null;
  /** exit code, or 128 + signal number */
  code: number;
  /** the end of stdout and stderr, to explain a failure */
  output: string;
}

const TIME = '/usr/bin/time';
const KEEP = 4000;

let timeWorks: boolean | undefined;
/** Whether GNU time is there to report peak RSS (checked once). */
export function canMeasureRss(): boolean {
  timeWorks ??=
    existsSync(TIME) &&
    spawnSync(TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).stderr?.trim().match(/^\d+$/) !== null;
  return timeWorks;
}

let scratch: string | undefined;
function scratchDir(): string {
  scratch ??= mkdtempSync(join(process.env.TMPDIR ?? '/tmp', 'mnemolite-bench-'));
  return scratch;
}
let counter = 0;

export function measure(command: Command): Promise<Measurement> {
  const rssFile = canMeasureRss() ? join(scratchDir(), `rss-${process.pid}-${counter++}`) : undefined;
  const [file, ...args] = rssFile ? [TIME, '-f', '%M', '-o', rssFile, ...command.argv] : command.argv;
  return new Promise((resolve, reject) => {
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-KEEP);
    };
    const started = performance.now();
    const child = spawn(file!, args, { cwd: command.cwd, env: command.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      let peakRssKiB: number | null = null;
      if (rssFile) {
        // GNU time writes "Command exited with non-zero status N" before the format when the command fails
        const last = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1) ?? '';
        peakRssKiB = /^\d+$/.test(last) ? Number(last) : null;
        rmSync(rssFile, { force: true });
      }
      resolve({ wallMs, peakRssKiB, code: code ?? 128 + (signal ? constants.signals[signal] : 0), output });
    });
  });
}

/** Starts every command at once; the group's wall time runs from the first spawn to the last exit. */
export async function measureGroup(commands: Command[]): Promise<{ wallMs: number; runs: Measurement[] }> {
  const started = performance.now();
  const runs = await Promise.all(commands.map((command) => measure(command)));
  return { wallMs: performance.now() - started, runs };
}

export function removeScratch(): void {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
