// `create <name>`: a new migration file from a template, named with a UTC
// timestamp so it sorts after everything already there.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.ts';
import type { LocalCommand } from './command.ts';

export type TemplateKind = 'ts' | 'sql' | 'no-transaction';

const TEMPLATES = fileURLToPath(new URL('../../templates', import.meta.url));
const TEMPLATE_FILES: Record<TemplateKind, string> = {
  ts: 'migration.ts',
  sql: 'migration.sql',
  'no-transaction': 'migration-concurrent-index.ts',
};

interface CreateArgs {
  dir: string;
  name: string;
  kind: TemplateKind;
}

export const command: LocalCommand<CreateArgs, { path: string }> = {
  args: ({ flags, positionals, config }) => {
    if (flags.sql && flags['no-transaction'])
      throw new UsageError('--sql and --no-transaction do not go together: SQL migrations always run in a transaction');
    return {
      dir: config.migrationsDir,
      name: positionals[0]!,
      kind: flags.sql ? 'sql' : flags['no-transaction'] ? 'no-transaction' : 'ts',
    };
  },
  run: async ({ dir, name, kind }) => create(dir, name, kind),
  format: ({ path }) => path,
};

/** A migration's name after its timestamp: what `create` and `diff` accept. */
export function validateName(name: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,80}$/i.test(name)) {
    throw new UsageError(`migration name "${name}" must be letters, digits, - and _ (at most 81 characters)`);
  }
  return name;
}

export function create(dir: string, name: string, kind: TemplateKind, now = new Date()): { path: string } {
  validateName(name);
  const stamp = now.toISOString().replace(/\D/g, ''); // node-pg-migrate's 17-digit "utc" format
  const template = TEMPLATE_FILES[kind];
  const path = join(dir, `${stamp}_${name}${template.slice(template.lastIndexOf('.'))}`);
  if (existsSync(path)) throw new UsageError(`${path} already exists`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(TEMPLATES, template), path);
  return { path };
}
