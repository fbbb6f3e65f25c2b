#!/usr/bin/env node
// The command line: parse arguments, dispatch through the command table, print
// the result, and turn the outcome into an exit code. No SQL and no command
// logic here.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Flags, Invocation } from './commands/command.ts';
import { COMMANDS, usage, type CommandName } from './commands/index.ts';
import { loadConfig } from './config.ts';
import { exitCodeOf, MigrateError, UsageError } from './errors.ts';
import { createLogger } from './log.ts';
import { redact } from './redact.ts';
import { withSession } from './session.ts';
import { SignalWatch } from './signals.ts';

type Parsed = { command: CommandName; flags: Flags; positionals: string[] };

const print = (text: string) => process.stdout.write(`${redact(text)}\n`);

export async function main(argv: string[]): Promise<number> {
  try {
    if (argv[0] === '--version') {
      print(version());
      return 0;
    }
    if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      print(usage());
      return 0;
    }
    const parsed = parse(argv);
    if (parsed.flags.help) {
      print(`usage: mnemolite-migrate ${COMMANDS[parsed.command].usage}\n\n${COMMANDS[parsed.command].summary}`);
      return 0;
    }
    await run(parsed);
    return 0;
  } catch (error) {
    report(error);
    return exitCodeOf(error);
  }
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

async function run({ command, flags, positionals }: Parsed): Promise<void> {
  const config = loadConfig();
  const invocation: Invocation = { flags, positionals, config };
  const spec = COMMANDS[command];
  const json = flags.json === true;
  if (!spec.database) {
    const local = await spec.load();
    const result = await local.run(await local.args(invocation));
    return finish(local.format(result, { json }), local.failure?.(result));
  }
  const remote = await spec.load();
  const args = await remote.args(invocation);
  const signals = new SignalWatch();
  const uninstall = signals.install();
  try {
    const result = await withSession({ config, log: createLogger(config.log), signals }, (session) => remote.run(session, args));
    return finish(remote.format(result, { json }), remote.failure?.(result));
  } finally {
    uninstall();
  }
}

// The result first, then the failure it stands for (lint findings, verify not ok).
function finish(text: string, failure: MigrateError | undefined): void {
  if (text !== '') print(text);
  if (failure) throw failure;
}

// One readable message, its details, no stack trace, no password.
function report(error: unknown): void {
  const known = error instanceof MigrateError;
  const message = known ? error.message : `unexpected error: ${(error as Error)?.message ?? String(error)}`;
  const details = known ? error.details : [];
  const json = (process.env.LOG_FORMAT ?? '').trim().toLowerCase() === 'json';
  const line = json
    ? JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: message, details, exit_code: exitCodeOf(error) })
    : [`error: ${message}`, ...details.map((d) => `  ${d}`)].join('\n');
  process.stderr.write(`${redact(line)}\n`);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return `mnemolite-migrate ${pkg.version}`;
}

process.exitCode = await main(process.argv.slice(2));
