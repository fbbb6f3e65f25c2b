// One run of the command line, without the process around it: parse the
// arguments, dispatch through the command table, print the result, and throw
// the failure. cli.ts wraps it in a process; tests run it in-process.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DatabaseMissing, DatabasesFailed, exitCodeOf, Interrupted, MigrateError, UsageError } from '../errors.ts';
import { createLogger, type Logger } from '../log.ts';
import type { Session } from '../session/session.ts';
import { type Config, loadConfig, sameServer } from '../settings/config.ts';
import type { ConnectionTarget } from '../settings/database-url.ts';
import { redact } from '../settings/redact.ts';
import { SignalWatch } from '../signals.ts';
import type { Flags, Invocation } from './command.ts';
import { COMMANDS, type CommandName, type CommandSpec, usage } from './command-table.ts';

export interface Io {
  env: NodeJS.ProcessEnv;
  /** command results */
  stdout(text: string): void;
  /** log lines, one per call, newline included (but a progress line on a terminal) */
  stderr(line: string): void;
  /** stderr is a terminal: a progress report rewrites its line there */
  terminal?: boolean;
}

type Parsed = { command: CommandName; flags: Flags; positionals: string[] };

/** Runs one command line; resolves when it succeeded, throws what failed. */
export async function dispatch(argv: string[], io: Io): Promise<void> {
  const print = (text: string) => io.stdout(`${redact(text)}\n`);
  if (argv[0] === '--version') return print(version());
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return print(usage());
  const parsed = parse(argv);
  if (parsed.flags.help)
    return print(`usage: mnemolite-migrate ${COMMANDS[parsed.command].usage}\n\n${COMMANDS[parsed.command].summary}`);
  await run(parsed, io, print);
}

function parse(argv: string[]): Parsed {
  const [first, ...rest] = argv;
  const named = first !== undefined && !first.startsWith('-');
  if (named && !(first in COMMANDS)) throw new UsageError(`unknown command "${first}"\n\n${usage()}`);
  const name = (named ? first : 'up') as CommandName;
  const spec = COMMANDS[name];
  const args = named ? rest : argv;
  let result: ReturnType<typeof parseArgs>;
  try {
    // nothing to parse on the command line of every container start (util.parseArgs: half a millisecond)
    result =
      args.length === 0
        ? { values: {}, positionals: [] }
        : parseArgs({ args, options: spec.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(
      `${parseProblem(error as Error & { code?: string }, name)}\n\nusage: mnemolite-migrate ${spec.usage}`,
    );
  }
  const { min, max } = spec.positionals;
  if (!result.values.help && (result.positionals.length < min || result.positionals.length > max)) {
    throw new UsageError(`wrong number of arguments\n\nusage: mnemolite-migrate ${spec.usage}`);
  }
  const flags = result.values as Flags;
  // `up --dry-run` is `plan`
  return { command: name === 'up' && flags['dry-run'] ? 'plan' : name, flags, positionals: result.positionals };
}

// Node's own words name its API ("place it at the end of the command after '--'"): ours name the command.
function parseProblem(error: Error & { code?: string }, command: CommandName): string {
  const flag = /'(-{1,2}[^']*)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag !== undefined) {
    const hint = flag === '-v' || flag === '-V' ? ' (did you mean --version?)' : '';
    return `unknown flag ${flag} for ${command}${hint}; the flags it takes are below`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag !== undefined)
    return `flag ${flag.split(' ')[0]} of ${command}: ${error.message.split('\n')[0]}`;
  return error.message.split('\n')[0]!;
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
  // several databases (MIGRATE_DATABASES): one after the other, each under its own lock, its logs and
  // results prefixed with its name; the exit code is the highest of theirs
  const several = config.databases.length > 1;
  const runOn = async (target: ConnectionTarget) => {
    const name = target.client.database!;
    const log = createLogger({ ...config.log, terminal: io.terminal }, io.stderr, several ? { database: name } : {});
    const quick = await remote.quick?.({ config: { ...config, database: target }, log, signals }, args);
    return quick ?? onDatabase(command, config, target, log, signals, (session) => remote.run(session, args));
  };
  try {
    if (!several) {
      const result = await runOn(config.databases[0]!);
      return finish(print, remote.format(result, { json }), remote.failure?.(result));
    }
    const outcomes: { database: string; exit_code: number; result?: unknown }[] = [];
    for (const target of config.databases) {
      const name = target.client.database!;
      try {
        const result = await runOn(target);
        const text = remote.format(result, { json: false });
        if (!json && text !== '') print(text.replace(/^/gm, `${name}: `));
        const failure = remote.failure?.(result);
        if (failure) io.stderr(errorReport(failure, io.env, name));
        outcomes.push({ database: name, exit_code: failure ? exitCodeOf(failure) : 0, result });
      } catch (error) {
        io.stderr(errorReport(error, io.env, name));
        outcomes.push({ database: name, exit_code: exitCodeOf(error) });
        if (error instanceof Interrupted) break;
      }
    }
    if (json) print(JSON.stringify(outcomes, null, 2));
    const failed = outcomes.filter((outcome) => outcome.exit_code !== 0);
    if (failed.length > 0)
      throw new DatabasesFailed(
        failed.map((outcome) => ({ database: outcome.database, exitCode: outcome.exit_code })),
        config.databases.length,
      );
  } finally {
    uninstall();
  }
}

// `up` creates a database that is not there yet (MnemoLite's test database, or the one the URL
// names) when the role may, from a database of the server that is there: the URL's own, else
// `postgres`; other commands report it missing.
async function onDatabase<R>(
  command: CommandName,
  config: Config,
  target: ConnectionTarget,
  log: Logger,
  signals: SignalWatch,
  work: (session: Session) => Promise<R>,
): Promise<R> {
  const scoped = { ...config, database: target };
  const spec: CommandSpec = COMMANDS[command];
  const access = { command, writes: !spec.readOnly };
  // pg and the port are loaded only now: the quick look does without them
  const { withSession } = await import('./open-session.ts');
  try {
    return await withSession({ config: scoped, log, signals }, access, work);
  } catch (error) {
    if (!(error instanceof DatabaseMissing) || command !== 'up') throw error;
    const name = target.client.database!;
    const from = [...(target === config.database ? [] : [config.database]), sameServer(target, 'postgres')];
    let created: 'created' | 'exists' | undefined;
    for (const other of from) {
      created = await withSession({ config: { ...config, database: other }, log, signals }, access, (session) =>
        session.database.createDatabase(name),
      ).catch((cause: unknown) => {
        if (cause instanceof DatabaseMissing) return undefined;
        throw cause;
      });
      if (created) break;
    }
    if (created === undefined)
      throw new DatabaseMissing(`database ${name} does not exist, and no database of its server could create it`, [
        ...error.details,
        `an administrator can create it: CREATE DATABASE ${name};`,
      ]);
    log.info(created === 'created' ? `created database ${name}` : `database ${name} was created meanwhile`);
    return withSession({ config: scoped, log, signals }, access, work);
  }
}

// The result first, then the failure it stands for (lint findings, verify not ok).
function finish(print: (text: string) => void, text: string, failure: MigrateError | undefined): void {
  if (text !== '') print(text);
  if (failure) throw failure;
}

// One readable message, its details, no stack trace, no password.
export function errorReport(error: unknown, env: NodeJS.ProcessEnv, database?: string): string {
  const known = error instanceof MigrateError;
  const message = known ? error.message : `unexpected error: ${(error as Error)?.message ?? String(error)}`;
  const details = known ? error.details : [];
  const json = (env.LOG_FORMAT ?? '').trim().toLowerCase() === 'json';
  const line = json
    ? JSON.stringify({
        time: new Date().toISOString(),
        level: 'error',
        msg: message,
        details,
        exit_code: exitCodeOf(error),
        ...(database && { database }),
      })
    : [`${database ? `${database}: ` : ''}error: ${message}`, ...details.map((d) => `  ${d}`)].join('\n');
  return `${redact(line)}\n`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `mnemolite-migrate ${pkg.version}`;
}
