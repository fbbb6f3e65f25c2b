// The command lines compared: this runner's CLI, node-pg-migrate 9's own CLI
// (its defaults; its wait lock mode; one transaction per migration, as this
// runner applies them), and `node -e 0`, the floor. All run
// under the same Node binary with the same minimal environment, so nothing
// from the caller's shell (MIGRATIONS_TABLE, EMBEDDING_*, NODE_OPTIONS…) leaks in.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from './measure.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** This runner as tsc builds it (npm run build). */
export const OUR_CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The server the benchmarks start: BENCH_PG_IMAGE, else the tests' TEST_PG_IMAGE, else MnemoLite's. */
export const pgImage = (env: NodeJS.ProcessEnv = process.env): string =>
  env.BENCH_PG_IMAGE || env.TEST_PG_IMAGE || 'pgvector/pgvector:pg18';
const NODE_PG_MIGRATE_CLI = realpathSync(
  fileURLToPath(new URL('../node_modules/.bin/node-pg-migrate', import.meta.url)),
);

export type ToolId = 'ours' | 'ours-verify' | 'npm' | 'npm-wait' | 'npm-per-migration' | 'node';

export const TOOL_LABELS: Record<ToolId, string> = {
  ours: 'mnemolite-migrate up',
  'ours-verify': 'mnemolite-migrate verify',
  npm: 'node-pg-migrate up',
  'npm-wait': 'node-pg-migrate up --advisory-lock-mode wait',
  'npm-per-migration': 'node-pg-migrate up --no-single-transaction',
  node: 'node -e 0',
};

function environment(databaseUrl: string, migrationsDir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    DATABASE_URL: databaseUrl,
    MIGRATIONS_DIR: migrationsDir,
    LOG_LEVEL: 'warn',
  };
}

/** The command a tool runs against `databaseUrl` with the migrations in `migrationsDir`. */
export function commandFor(
  tool: ToolId,
  databaseUrl: string,
  migrationsDir: string,
  nodeFlags: string[] = [],
): Command {
  const node = [process.execPath, ...nodeFlags];
  const argv = {
    ours: [...node, OUR_CLI, 'up'],
    'ours-verify': [...node, OUR_CLI, 'verify'],
    npm: [...node, NODE_PG_MIGRATE_CLI, 'up', '-m', migrationsDir],
    'npm-wait': [...node, NODE_PG_MIGRATE_CLI, 'up', '-m', migrationsDir, '--advisory-lock-mode', 'wait'],
    'npm-per-migration': [...node, NODE_PG_MIGRATE_CLI, 'up', '-m', migrationsDir, '--no-single-transaction'],
    node: [...node, '-e', '0'],
  }[tool];
  return { argv, env: environment(databaseUrl, migrationsDir), cwd: PROJECT_ROOT };
}

/** Our CLI with other arguments (e.g. --version: Node plus every module of the CLI, no database). */
export function ourCli(args: string[], databaseUrl: string, migrationsDir: string, nodeFlags: string[] = []): Command {
  return {
    argv: [process.execPath, ...nodeFlags, OUR_CLI, ...args],
    env: environment(databaseUrl, migrationsDir),
    cwd: PROJECT_ROOT,
  };
}

/** `node --input-type=module -e "import 'specifier'"` from the project root: what importing packages costs. */
export function importOnly(...specifiers: string[]): Command {
  return {
    argv: [
      process.execPath,
      '--input-type=module',
      '-e',
      specifiers.map((s) => `import ${JSON.stringify(s)};`).join(' '),
    ],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    cwd: PROJECT_ROOT,
  };
}

/** Import pg, connect, run one query, disconnect: the least any runner built on pg can do at start-up. */
export function pgRoundTrip(databaseUrl: string): Command {
  const script =
    "import pg from 'pg'; const c = new pg.Client({ connectionString: process.env.DATABASE_URL }); await c.connect(); await c.query('select 1'); await c.end();";
  return {
    argv: [process.execPath, '--input-type=module', '-e', script],
    env: environment(databaseUrl, ''),
    cwd: PROJECT_ROOT,
  };
}
