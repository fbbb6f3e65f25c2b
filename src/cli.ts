#!/usr/bin/env node
// The command line: parse arguments, run one command, print its result, and turn
// the outcome into an exit code. No SQL here; commands return results.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { DownTarget } from './commands/down.ts';
import { COMMANDS, usage, type CommandName } from './commands/index.ts';
import type { LintResult } from './commands/lint.ts';
import type { StatusResult } from './commands/status.ts';
import { loadConfig, type Config } from './config.ts';
import { exitCodeOf, LintFindings, MigrateError, UsageError } from './errors.ts';
import { createLogger, type Logger } from './log.ts';
import { redact } from './redact.ts';
import { withSession, type Session } from './session.ts';
import { SignalWatch } from './signals.ts';

// Each command's module is imported when it runs: every container start pays
// for `up` alone, not for the linter or the prompt of `down`.
type Parsed = { command: CommandName; values: Record<string, string | boolean | undefined>; positionals: string[] };

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
    if (parsed.values.help) {
      print(`usage: mnemolite-migrate ${COMMANDS[parsed.command].usage}\n\n${COMMANDS[parsed.command].summary}`);
      return 0;
    }
    const config = loadConfig();
    return await run(parsed, config, createLogger(config.log));
  } catch (error) {
    report(error);
    return exitCodeOf(error);
  }
}

function parse(argv: string[]): Parsed {
  const [first, ...rest] = argv;
  const named = first !== undefined && !first.startsWith('-');
  if (named && !(first in COMMANDS)) throw new UsageError(`unknown command "${first}"\n\n${usage()}`);
  const command = (named ? first : 'up') as CommandName;
  const spec = COMMANDS[command];
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
  return { command, values: result.values as Parsed['values'], positionals: result.positionals };
}

async function run({ command, values, positionals }: Parsed, config: Config, log: Logger): Promise<number> {
  if (command === 'create') {
    const kind = values.sql ? 'sql' : values['no-transaction'] ? 'no-transaction' : 'ts';
    if (values.sql && values['no-transaction']) throw new UsageError('--sql and --no-transaction do not go together: SQL migrations always run in a transaction');
    const { create } = await import('./commands/create.ts');
    print(create(config.migrationsDir, positionals[0]!, kind).path);
    return 0;
  }
  if (command === 'lint') {
    const { lint } = await import('./commands/lint.ts');
    return reportLint(await lint({ migrationsDir: config.migrationsDir }), values.json === true);
  }
  const target = command === 'down' ? await downTarget(values, config) : undefined;
  const signals = new SignalWatch();
  const uninstall = signals.install();
  try {
    return await withSession({ config, log, signals }, (session) => dispatch(session, command, values, positionals, target));
  } finally {
    uninstall();
  }
}

async function dispatch(session: Session, command: CommandName, values: Parsed['values'], positionals: string[], target?: DownTarget): Promise<number> {
  switch (command) {
    case 'up': {
      if (values['dry-run']) return dispatch(session, 'plan', values, positionals);
      const { up } = await import('./commands/up.ts');
      await up(session, { allowOutOfOrder: values['allow-out-of-order'] === true });
      return 0;
    }
    case 'plan': {
      const { formatPlan, plan } = await import('./commands/plan.ts');
      const result = await plan(session);
      print(values.json ? JSON.stringify(result, null, 2) : formatPlan(result));
      return 0;
    }
    case 'down': {
      const { down } = await import('./commands/down.ts');
      await down(session, target!);
      return 0;
    }
    case 'status': {
      const { status } = await import('./commands/status.ts');
      const result = await status(session);
      print(values.json ? JSON.stringify(result, null, 2) : formatStatus(result));
      return 0;
    }
    case 'current': {
      const { current } = await import('./commands/history.ts');
      print((await current(session))?.name ?? '(no migration applied)');
      return 0;
    }
    case 'history': {
      const { history } = await import('./commands/history.ts');
      const entries = await history(session);
      print(values.json ? JSON.stringify(entries, null, 2) : entries.map((e) => `${e.run_on}  ${e.name}`).join('\n') || '(no migration applied)');
      return 0;
    }
    case 'stamp': {
      const { stamp } = await import('./commands/stamp.ts');
      await stamp(session, positionals[0]!);
      return 0;
    }
    case 'verify': {
      const { verify } = await import('./commands/verify.ts');
      print(`ok: database is at ${(await verify(session)).head}`);
      return 0;
    }
    case 'repair': {
      const { repair } = await import('./commands/repair.ts');
      const { accepted } = await repair(session, positionals[0]);
      print(accepted.length > 0 ? `accepted: ${accepted.join(', ')}` : 'nothing to repair');
      return 0;
    }
    case 'create':
    case 'lint':
      throw new Error(`${command} needs no database`); // handled in run()
  }
}

async function downTarget(values: Parsed['values'], config: Config): Promise<DownTarget> {
  const to = values.to as string | undefined;
  const count = values.count as string | undefined;
  if ((to === undefined) === (count === undefined)) throw new UsageError(`down needs exactly one of --to <migration> or --count <n>\n\nusage: mnemolite-migrate ${COMMANDS.down.usage}`);
  if (count !== undefined && !/^[1-9]\d{0,5}$/.test(count)) throw new UsageError(`--count must be a whole number of at least 1`);
  const target: DownTarget = to !== undefined ? { to } : { count: Number(count) };
  if (values.yes) return target;
  if (!process.stdin.isTTY) throw new UsageError('down changes the schema: pass --yes to confirm when stdin is not a terminal');
  const question = `Revert ${to !== undefined ? `every migration after ${to}` : `the newest ${count} migration(s)`} on ${config.database.display}? [y/N] `;
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(question).finally(() => prompt.close());
  if (!/^y(es)?$/i.test(answer.trim())) throw new UsageError('not confirmed; nothing was changed');
  return target;
}

function reportLint(result: LintResult, json: boolean): number {
  const open = result.findings.filter((f) => f.accepted === undefined);
  if (json) print(JSON.stringify(result, null, 2));
  else {
    const lines = result.findings.map((f) =>
      [
        `${relative(process.cwd(), f.file) || f.file}:${f.line}  ${f.rule}  ${f.message}${f.accepted !== undefined ? `  (accepted: ${f.accepted})` : ''}`,
        ...(f.accepted === undefined ? [`  why: ${f.why}`, `  instead: ${f.fix}`] : []),
      ].join('\n'),
    );
    lines.push(`${result.migrations} migrations linted: ${open.length} finding${open.length === 1 ? '' : 's'}, ${result.findings.length - open.length} accepted`);
    print(lines.join('\n'));
  }
  if (open.length > 0) throw new LintFindings(`lint: ${open.length} finding${open.length === 1 ? '' : 's'} not accepted (accept one with a comment: -- lint-accept: <rule> <reason>)`);
  return 0;
}

function formatStatus(result: StatusResult): string {
  const lines = [`database: ${result.database} (ledger ${result.table})`, ''];
  lines.push(`applied (${result.applied.length}):`);
  for (const row of result.applied) lines.push(`  ${row.run_on}  ${row.name}${row.checksum === 'ok' ? '' : `  [${row.checksum}]`}`);
  lines.push(`pending (${result.pending.length}):`);
  for (const name of result.pending) lines.push(`  ${name}`);
  lines.push(`anomalies (${result.anomalies.length}):`);
  for (const anomaly of result.anomalies) lines.push(`  ${anomaly}`);
  return lines.join('\n');
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
