// The command lines compared: this runner's CLI, node-pg-migrate 9's own CLI
// (default lock mode, and its wait mode), and `node -e 0`, the floor. All run
// under the same Node binary with the same minimal environment, so nothing
// from the caller's shell (MIGRATIONS_TABLE, EMBEDDING_*, NODE_OPTIONS…) leaks in.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from './measure.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUR_CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const NODE_PG_MIGRATE_CLI = realpathSync(fileURLToPath(new URL('../node_modules/.bin/node-pg-migrate', import.meta.url)));

export type ToolId = 'ours' | 'ours-verify' | 'npm' | 'npm-wait' | 'node';

export const TOOL_LABELS: Record<ToolId, string> = {
  ours: 'mnemolite-migrate up',
  'ours-verify': 'mnemolite-migrate verify',
  npm: 'node-pg-migrate up',
  'npm-wait': 'node-pg-migrate up --advisory-lock-mode wait',
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
export function commandFor(tool: ToolId, databaseUrl: string, migrationsDir: string, nodeFlags: string[] = []): Command {
  const node = [process.execPath, ...nodeFlags];
  const argv = {
    ours: [...node, OUR_CLI, 'up'],
    'ours-verify': [...node, OUR_CLI, 'verify'],
    npm: [...node, NODE_PG_MIGRATE_CLI, 'up', '-m', migrationsDir],
    'npm-wait': [...node, NODE_PG_MIGRATE_CLI, 'up', '-m', migrationsDir, '--advisory-lock-mode', 'wait'],
    node: [...node, '-e', '0'],
  }[tool];
  return { argv, env: environment(databaseUrl, migrationsDir), cwd: PROJECT_ROOT };
}

/** Our CLI with other arguments (e.g. --version: Node plus every module of the CLI, no database). */
export function ourCli(args: string[], databaseUrl: string, migrationsDir: string, nodeFlags: string[] = []): Command {
  return { argv: [process.execPath, ...nodeFlags, OUR_CLI, ...args], env: environment(databaseUrl, migrationsDir), cwd: PROJECT_ROOT };
}

/** `node --input-type=module -e "import 'specifier'"` from the project root: what importing one package costs. */
export function importOnly(specifier: string): Command {
  return {
    argv: [process.execPath, '--input-type=module', '-e', `import ${JSON.stringify(specifier)};`],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    cwd: PROJECT_ROOT,
  };
}
