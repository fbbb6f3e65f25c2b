// Every command the CLI accepts, with its flags: the CLI parses with this table,
// `--help` prints it, and a test checks the deployment examples against it.
import type { ParseArgsConfig } from 'node:util';

export interface CommandSpec {
  usage: string;
  summary: string;
  /** whether the command connects to the database */
  database: boolean;
  options: NonNullable<ParseArgsConfig['options']>;
  /** how many positional arguments it takes */
  positionals: { min: number; max: number };
  /** flag spellings, for tests and docs */
  flags: string[];
}

const help = { help: { type: 'boolean', short: 'h' } } as const;

function spec(s: Omit<CommandSpec, 'flags'>): CommandSpec {
  const flags = Object.entries(s.options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
  return { ...s, flags };
}

export const COMMANDS = {
  up: spec({
    usage: 'up [--allow-out-of-order] [--dry-run]',
    summary: 'apply pending migrations (the default command); adopts an existing schema by a verified baseline stamp; --dry-run is plan',
    database: true,
    options: { ...help, 'allow-out-of-order': { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
    positionals: { min: 0, max: 0 },
  }),
  down: spec({
    usage: 'down (--to <migration> | --count <n>) [--yes]',
    summary: 'revert the newest migrations, never below the baseline; --yes is required when stdin is not a terminal',
    database: true,
    options: { ...help, to: { type: 'string' }, count: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
    positionals: { min: 0, max: 0 },
  }),
  status: spec({
    usage: 'status [--json]',
    summary: 'applied migrations with their time, pending ones, and anomalies',
    database: true,
    options: { ...help, json: { type: 'boolean' } },
    positionals: { min: 0, max: 0 },
  }),
  current: spec({
    usage: 'current',
    summary: 'the newest applied migration',
    database: true,
    options: { ...help },
    positionals: { min: 0, max: 0 },
  }),
  history: spec({
    usage: 'history [--json]',
    summary: 'every applied migration, oldest first',
    database: true,
    options: { ...help, json: { type: 'boolean' } },
    positionals: { min: 0, max: 0 },
  }),
  stamp: spec({
    usage: 'stamp <migration>',
    summary: 'record migrations up to <migration> as applied without running them, after checking what they declare',
    database: true,
    options: { ...help },
    positionals: { min: 1, max: 1 },
  }),
  verify: spec({
    usage: 'verify',
    summary: 'exit 0 only when the database is at the newest migration and nothing drifted (7: pending, 6: drift)',
    database: true,
    options: { ...help },
    positionals: { min: 0, max: 0 },
  }),
  repair: spec({
    usage: 'repair [<migration>]',
    summary: 'accept edited applied migrations by recording their new checksums',
    database: true,
    options: { ...help },
    positionals: { min: 0, max: 1 },
  }),
  plan: spec({
    usage: 'plan [--json]',
    summary: 'the exact SQL up would run for each pending migration, in a transaction or not, and the table locks it takes; changes nothing',
    database: true,
    options: { ...help, json: { type: 'boolean' } },
    positionals: { min: 0, max: 0 },
  }),
  lint: spec({
    usage: 'lint [--json]',
    summary: 'report dangerous operations in the migrations (real PostgreSQL parser); exit 1 on findings not accepted in the file',
    database: false,
    options: { ...help, json: { type: 'boolean' } },
    positionals: { min: 0, max: 0 },
  }),
  create: spec({
    usage: 'create <name> [--sql | --no-transaction]',
    summary: 'write a new timestamped migration from a template into MIGRATIONS_DIR',
    database: false,
    options: { ...help, sql: { type: 'boolean' }, 'no-transaction': { type: 'boolean' } },
    positionals: { min: 1, max: 1 },
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
    '3 configuration, 4 database unreachable, 5 lock timeout, 6 drift or unexpected schema, 7 pending (verify)',
  ].join('\n');
}
