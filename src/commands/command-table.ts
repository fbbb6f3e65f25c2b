// The table of commands: name, flags, whether it needs the database, and where
// its run/format live. The CLI parses and dispatches with it alone, `--help`
// prints it, and a test checks the deployment examples against it. Each
// command's module is imported when it runs: every container start pays for
// `up` alone, not for the linter or the prompt of `down`.
import type { ParseArgsConfig } from 'node:util';
import type { DatabaseCommand, LocalCommand } from './command.ts';

// The table holds commands of every argument and result type; each module types its own.
// biome-ignore lint/suspicious/noExplicitAny: see above
type AnyDatabaseCommand = DatabaseCommand<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: see above
type AnyLocalCommand = LocalCommand<any, any>;

interface SpecFields {
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** how many positional arguments it takes */
  positionals: { min: number; max: number };
}

export type CommandSpec = SpecFields & {
  /** flag spellings, for tests and docs */
  flags: string[];
} & Loader;

const help = { help: { type: 'boolean', short: 'h' } } as const;
const json = { json: { type: 'boolean' } } as const;

type Loader =
  /** `readOnly`: it never writes, so it may run on a standby (session/standby.ts) */
  | { database: true; readOnly?: true; load(): Promise<AnyDatabaseCommand> }
  | { database: false; readOnly?: never; load(): Promise<AnyLocalCommand> };

/** Every command takes --help and, unless it says `json: false`, --json; no positional unless it says so. */
function spec(
  s: Pick<SpecFields, 'usage' | 'summary'> &
    Partial<Pick<SpecFields, 'options' | 'positionals'>> & { json?: false } & Loader,
): CommandSpec {
  const { json: takesJson, ...rest } = s;
  const options: SpecFields['options'] = { ...help, ...(takesJson === false ? {} : json), ...s.options };
  const flags = Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
  return { ...rest, options, positionals: s.positionals ?? { min: 0, max: 0 }, flags };
}

export const COMMANDS = {
  up: spec({
    usage: 'up [--allow-out-of-order] [--dry-run] [--json]',
    summary:
      'apply pending migrations (the default command); adopts an existing schema by a verified baseline stamp; --dry-run is plan',
    database: true,
    options: { 'allow-out-of-order': { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
    load: () => import('./up.ts').then((m) => m.command),
  }),
  down: spec({
    usage: 'down (--to <migration> | --count <n>) [--yes] [--json]',
    summary: 'revert the newest migrations, never below the baseline; --yes is required when stdin is not a terminal',
    database: true,
    options: {
      to: { type: 'string' },
      count: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
    },
    load: () => import('./down.ts').then((m) => m.command),
  }),
  status: spec({
    usage: 'status [--json]',
    summary: 'applied migrations with their time, pending ones, and anomalies',
    database: true,
    readOnly: true,
    load: () => import('./status.ts').then((m) => m.command),
  }),
  current: spec({
    usage: 'current [--json]',
    summary: 'the newest applied migration',
    database: true,
    readOnly: true,
    load: () => import('./history.ts').then((m) => m.currentCommand),
  }),
  history: spec({
    usage: 'history [--json]',
    summary: 'every applied migration, oldest first',
    database: true,
    readOnly: true,
    load: () => import('./history.ts').then((m) => m.historyCommand),
  }),
  stamp: spec({
    usage: 'stamp <migration> [--json]',
    summary:
      'record migrations up to <migration> as applied without running them, after checking the schema is what they make',
    database: true,
    positionals: { min: 1, max: 1 },
    load: () => import('./stamp.ts').then((m) => m.command),
  }),
  verify: spec({
    usage: 'verify [--json]',
    summary:
      'exit 0 only when the database is at the newest migration and nothing drifted (7: pending or a migration in progress, 6: drift)',
    database: true,
    readOnly: true,
    load: () => import('./verify.ts').then((m) => m.command),
  }),
  repair: spec({
    usage: 'repair [<migration>] [--json]',
    summary: 'accept edited applied migrations by recording their new checksums',
    database: true,
    positionals: { min: 0, max: 1 },
    load: () => import('./repair.ts').then((m) => m.command),
  }),
  plan: spec({
    usage: 'plan [--json]',
    summary:
      'the exact SQL up would run for each pending migration, in a transaction or not, and the table locks it takes; changes nothing',
    database: true,
    readOnly: true,
    load: () => import('./plan.ts').then((m) => m.command),
  }),
  snapshot: spec({
    usage: 'snapshot [--check] [--json]',
    summary:
      'write migrations/expected/: the catalog change each migration makes, applied one by one on an empty scratch database; --check compares instead (6 when they differ)',
    database: true,
    options: { check: { type: 'boolean' } },
    load: () => import('./snapshot.ts').then((m) => m.command),
  }),
  diff: spec({
    usage: 'diff <name> (--from <database URL> | --from-sql <file>) [--allow-destructive <reason>] [--json]',
    summary:
      'write the next migrations from a desired schema, safe on a live table by construction, proven on a scratch database (up, then down) before they are written',
    database: true,
    positionals: { min: 1, max: 1 },
    options: {
      from: { type: 'string' },
      'from-sql': { type: 'string' },
      'allow-destructive': { type: 'string' },
    },
    load: () => import('./diff.ts').then((m) => m.command),
  }),
  lint: spec({
    usage: 'lint [--json]',
    summary:
      'report dangerous operations in the migrations (real PostgreSQL parser); exit 1 on findings not accepted in the file',
    database: false,
    load: () => import('./lint.ts').then((m) => m.command),
  }),
  create: spec({
    usage: 'create <name> [--sql | --no-transaction]',
    summary: 'write a new timestamped migration from a template into MIGRATIONS_DIR',
    database: false,
    json: false,
    options: { sql: { type: 'boolean' }, 'no-transaction': { type: 'boolean' } },
    positionals: { min: 1, max: 1 },
    load: () => import('./create.ts').then((m) => m.command),
  }),
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export function usage(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  return [
    'usage: mnemolite-migrate [command] [options]',
    '',
    'commands:',
    ...lines,
    '',
    'options: --help (-h) on every command, --version',
    'settings come from the environment; see the README. exit codes: 0 ok, 1 migration failed, 2 usage,',
    '3 configuration, 4 database unreachable, 5 lock timeout, 6 drift or unexpected schema, 7 pending or migrating (verify),',
    '8 a pooler in transaction or statement mode, 130 / 143 stopped by SIGINT / SIGTERM (the migration rolled back)',
  ].join('\n');
}
