// Runs the built CLI (dist/cli.js) as a real process, as the image does.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
/** node's flags from the image's ENTRYPOINT (Dockerfile.migrate), so a test's process runs as the image's does */
export const IMAGE_NODE_FLAGS = (
  JSON.parse(
    /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(readFileSync(new URL('../../Dockerfile.migrate', import.meta.url), 'utf8'))![1]!,
  ) as string[]
).slice(1, -1);
export const SHIPPED_MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// Only what the test gives, plus PATH: the developer's own DATABASE_URL or PG* must not leak in.
export function cliEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env };
}

export function startCli(
  args: string[],
  env: Record<string, string | undefined>,
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [...IMAGE_NODE_FLAGS, CLI, ...args], {
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return startCli(args, env).done;
}

/** Resolves once `text` appears on the child's stderr. */
export function waitForOutput(child: ChildProcess, text: string | RegExp, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${text}; saw:\n${seen}`)), timeoutMs);
    const check = (chunk: Buffer) => {
      seen += chunk;
      if (typeof text === 'string' ? seen.includes(text) : text.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.stdout!.on('data', check);
  });
}
