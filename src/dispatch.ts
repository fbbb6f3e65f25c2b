// One run of the command line, without the process around it: parse the
// arguments, dispatch through the command table, print the result, and throw
// the failure. cli.ts wraps it in a process; tests run it in-process.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.ts';
import { exitCodeOf, MigrateError, UsageError } from './errors.ts';
import { createLogger } from './log.ts';
import { redact } from './redact.ts';
import { withSession } from './session.ts';
import { SignalWatch } from './signals.ts';
import type { Flags, Invocation } from './commands/command.ts';
import { COMMANDS, usage, type CommandName } from './commands/index.ts';

export interface Io {
  env: NodeJS.ProcessEnv;
  /** command results */
  stdout(text: string): void;
  /** log lines, one per call, newline included */
  stderr(line: string): void;
}

type Parsed = { command: CommandName; flags: Flags; positionals: string[] };

/** Runs one command line; resolves when it succeeded, throws what failed. */
export async function dispatch(argv: string[], io: Io): Promise<void> {
  const print = (text: string) => io.stdout(`${redact(text)}\n`);
  if (argv[0] === '--version') return print(version());
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return print(usage());
  const parsed = parse(argv);
  if (parsed.flags.help) return print(`usage: mnemolite-migrate ${COMMANDS[parsed.command].usage}\n\n${COMMANDS[parsed.command].summary}`);
  await run(parsed, io, print);
}

function parse(argv: string[]): Parsed {
  const [first, ...rest] = argv;
  const named = first !== undefined && !first.startsWith('-');
  if (named && !(first in COMMANDS)) throw new UsageError(`unknown command "${first}"\n\n${usage()}`);
  const name = (named ? first : 'up') as CommandName;
  const spec = COMMANDS[name];
  let result;
  try {
    result = parseArgs({ args: named ? rest : argv, options: spec.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]}\n\nusage: mnemolite-migrate ${spec.usage}`);
  }
  const { min, max } = spec.positionals;
  if (!result.values.help && (result.positionals.length < min || result.positionals.length > max)) {
    throw new UsageError(`wrong number of arguments\n\nusage: mnemolite-migrate ${spec.usage}`);
  }
  const flags = result.values as Flags;
  // `up --dry-run` is `plan`
  return { command: name === 'up' && flags['dry-run'] ? 'plan' : name, flags, positionals: result.positionals };
}

async function run({ command, flags, positionals }: Parsed, io: Io, print: (text: string) => void): Promise<void> {
  const config = loadConfig(io.env);
  const invocation: Invocation = { flags, positionals, config };
  const spec = COMMANDS[command];
  const json = flags.json === true;
  if (!spec.database) {
    const local = await spec.load();
    const result = await local.run(await local.args(invocation));
    return finish(print, local.format(result, { json }), local.failure?.(result));
  }
  const remote = await spec.load();
  const args = await remote.args(invocation);
  const signals = new SignalWatch();
  const uninstall = signals.install();
  try {
    const result = await withSession({ config, log: createLogger(config.log, io.stderr), signals }, (session) => remote.run(session, args));
    return finish(print, remote.format(result, { json }), remote.failure?.(result));
  } finally {
    uninstall();
  }
}

// The result first, then the failure it stands for (lint findings, verify not ok).
function finish(print: (text: string) => void, text: string, failure: MigrateError | undefined): void {
  if (text !== '') print(text);
  if (failure) throw failure;
}

// One readable message, its details, no stack trace, no password.
export function errorReport(error: unknown, env: NodeJS.ProcessEnv): string {
  const known = error instanceof MigrateError;
  const message = known ? error.message : `unexpected error: ${(error as Error)?.message ?? String(error)}`;
  const details = known ? error.details : [];
  const json = (env.LOG_FORMAT ?? '').trim().toLowerCase() === 'json';
  const line = json
    ? JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: message, details, exit_code: exitCodeOf(error) })
    : [`error: ${message}`, ...details.map((d) => `  ${d}`)].join('\n');
  return `${redact(line)}\n`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return `mnemolite-migrate ${pkg.version}`;
}
