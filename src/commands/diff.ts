// `diff <name> --from <url> | --from-sql <file>`: the next migrations, written
// from a change. The chain is built at its head on a scratch database beside
// DATABASE_URL's (as `snapshot` does), compared with the desired schema, and
// the planned migrations are proven before anything is written: applied on
// that scratch database they must give the desired catalog, and their downs
// the head's again; `lint` must find nothing in them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { compareCatalogs, describeDifferences, expectedFile, formatDelta } from '../chain/expected-catalog.ts';
import { listMigrations } from '../chain/migration-files.ts';
import type { Database } from '../database/port.ts';
import { migrationSource } from '../diff/migration-source.ts';
import { planMigrations } from '../diff/plan-migrations.ts';
import type { DiffPlan, PlannedMigration } from '../diff/planned-migration.ts';
import { ChangeRefused, ConfigError, LintFindings, SchemaMismatch, UsageError } from '../errors.ts';
import { lintMigrations } from '../lint/lint-migrations.ts';
import type { Session } from '../session/session.ts';
import { sameServer } from '../settings/config.ts';
import { type ConnectionTarget, parseUrl } from '../settings/database-url.ts';
import { registerSecret } from '../settings/redact.ts';
import { asJson, type DatabaseCommand } from './command.ts';
import { validateName } from './create.ts';
import { withSession } from './open-session.ts';

type Source = { url: ConnectionTarget } | { file: string; sql: string };

/** The scratch databases diff builds the chain on and proves its plan on. */
const SCRATCH = { command: 'diff', writes: true };

interface DiffArgs {
  name: string;
  source: Source;
  /** the reason written beside each destructive change; without it they are refused */
  allowDestructive: string | undefined;
}

export interface DiffResult {
  /** files written, migrations and their expected catalogs */
  written: string[];
  migrations: { name: string; transaction: boolean; destructive: boolean }[];
  /** columns added to tables that have rows in the desired database: their values are for a backfill to declare */
  columnsOnTablesWithRows: string[];
}

export const command: DatabaseCommand<DiffArgs, DiffResult> = {
  args: ({ flags, positionals }) => {
    const name = validateName(positionals[0]!);
    const from = typeof flags.from === 'string' ? flags.from : undefined;
    const fromSql = typeof flags['from-sql'] === 'string' ? flags['from-sql'] : undefined;
    if ((from === undefined) === (fromSql === undefined))
      throw new UsageError('diff needs the desired schema: --from <database URL> or --from-sql <file>, one of them');
    const reason = flags['allow-destructive'];
    if (reason !== undefined && (typeof reason !== 'string' || reason.trim() === ''))
      throw new UsageError('--allow-destructive takes the reason written beside each destructive change');
    let source: Source;
    if (from !== undefined) {
      const url = parseUrl(from);
      if (url.client.password) registerSecret(String(url.client.password));
      source = { url };
    } else {
      const file = resolve(fromSql!);
      try {
        source = { file, sql: readFileSync(file, 'utf8') };
      } catch (error) {
        throw new ConfigError(`--from-sql ${file} cannot be read (${(error as NodeJS.ErrnoException).code})`);
      }
    }
    return { name, source, allowDestructive: reason as string | undefined };
  },
  run: diff,
  format: (result, { json }) =>
    json ? asJson(result) : result.written.length === 0 ? 'no changes' : result.written.join('\n'),
};

interface Side {
  catalog: string[];
  definitions: Record<string, string>;
}

async function diff(session: Session, args: DiffArgs): Promise<DiffResult> {
  const { config, log, database } = session;
  // the scratch work says what it does in a few lines; each migration it runs is told at debug level
  const quiet: Session['log'] = { ...log, info: log.debug, progress: log.debug };
  const scratchSession = { ...session, log: quiet };
  const scratch = `mnemolite_migrate_diff_${process.pid}_${Date.now().toString(36)}`;
  const made: string[] = [];
  const temporary: string[] = [];
  const make = async (name: string) => {
    await database.createDatabase(name).catch((error: unknown) => {
      throw new UsageError(`diff needs scratch databases, or a role that may create them: ${(error as Error).message}`);
    });
    made.push(name);
    return { ...config, database: sameServer(config.database, name) };
  };
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temporary.push(dir);
    return dir;
  };
  try {
    // the chain at its head
    const headConfig = await make(`${scratch}_head`);
    log.info(`building the chain's ${session.files.length} migrations on scratch database ${scratch}_head`);
    const head = await withSession({ ...scratchSession, config: headConfig }, SCRATCH, async (inside) => {
      await inside.withLock(() => inside.apply({ direction: 'up' }));
      return read(inside.database);
    });

    // the desired schema, and which of its tables hold rows
    let desiredConfig = { ...config, database: 'url' in args.source ? args.source.url : config.database };
    if ('file' in args.source) {
      const dir = tempDir('mnemolite-diff-schema-');
      writeFileSync(join(dir, '20000101000000000_desired-schema.sql'), args.source.sql);
      desiredConfig = { ...(await make(`${scratch}_desired`)), migrationsDir: dir };
    }
    log.info(
      `reading the desired schema from ${'file' in args.source ? args.source.file : desiredConfig.database.display}`,
    );
    const { desired, tablesWithRows } = await withSession(
      { ...scratchSession, config: desiredConfig },
      { command: 'diff', writes: 'file' in args.source },
      async (inside) => {
        if ('file' in args.source) await inside.withLock(() => inside.apply({ direction: 'up' }));
        const side = await read(inside.database);
        const tables = side.catalog.filter((l) => l.startsWith('table ')).map((l) => l.split(' ')[1]!);
        return { desired: side, tablesWithRows: await inside.database.tablesWithRows(tables) };
      },
    );

    const plan = planMigrations({
      head: head.catalog,
      desired: desired.catalog,
      definitions: { head: head.definitions, desired: desired.definitions },
    });
    refuse(plan, args.allowDestructive);
    if (plan.migrations.length === 0) return { written: [], migrations: [], columnsOnTablesWithRows: [] };

    const names = fileNames(args.name, plan.migrations, session.files.at(-1)?.name);
    const proofDir = tempDir('mnemolite-diff-chain-');
    for (const file of session.files) symlinkSync(file.path, join(proofDir, basename(file.path)));
    const sources = await provenSources(plan.migrations, names, proofDir, args);

    const proofConfig = { ...headConfig, migrationsDir: proofDir };
    log.info(
      `proving ${names.length} migration${names.length === 1 ? '' : 's'}: up on the chain's head must give the desired catalog, down the head's`,
    );
    const expected = await withSession({ ...scratchSession, config: proofConfig }, SCRATCH, (inside) =>
      inside.withLock(async () => {
        const deltas: string[] = [];
        let before = head.catalog;
        for (const name of names) {
          await inside.apply({ direction: 'up', count: 1 });
          const after = await inside.database.catalog();
          deltas.push(formatDelta(name, before, after));
          before = after;
        }
        sameCatalog(desired.catalog, before, 'applied on the chain at its head, they do not make the desired schema');
        await inside.apply({ direction: 'down', count: names.length });
        sameCatalog(
          head.catalog,
          await inside.database.catalog(),
          'their downs do not bring the chain back to its head',
        );
        return deltas;
      }),
    );

    const written: string[] = [];
    names.forEach((name, i) => {
      const path = join(config.migrationsDir, `${name}.ts`);
      writeFileSync(path, sources[i]!);
      const expectedPath = expectedFile(config.migrationsDir, name);
      mkdirSync(dirname(expectedPath), { recursive: true });
      writeFileSync(expectedPath, expected[i]!);
      written.push(path, expectedPath);
    });
    const columnsOnTablesWithRows = plan.addedColumns.filter((column) =>
      tablesWithRows.some((table) => column.startsWith(`${table}.`)),
    );
    for (const column of columnsOnTablesWithRows)
      log.warn(
        `${column} is new on a table that has rows in the desired database: a schema diff holds no data; if existing rows need values, declare a backfill (README, "Backfills")`,
      );
    return {
      written,
      migrations: plan.migrations.map((m, i) => ({
        name: names[i]!,
        transaction: m.transaction,
        destructive: m.destructive,
      })),
      columnsOnTablesWithRows,
    };
  } finally {
    for (const name of made.toReversed()) await database.dropDatabase(name);
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  }
}

async function read(database: Database): Promise<Side> {
  return { catalog: await database.catalog(), definitions: await database.definitions() };
}

function refuse(plan: DiffPlan, allowDestructive: string | undefined): void {
  const blocking = plan.refused.filter((r) => !r.destructive || allowDestructive === undefined);
  if (blocking.length === 0) return;
  const onlyDestructive = blocking.every((r) => r.destructive);
  throw new ChangeRefused(
    onlyDestructive
      ? `${blocking.length} destructive change${blocking.length === 1 ? '' : 's'}: nothing written; to write them, pass --allow-destructive "<why it is safe>" (the reason goes beside each)`
      : `${blocking.length} change${blocking.length === 1 ? '' : 's'} diff will not write: nothing written`,
    blocking.map(
      (r) => `${r.object}${r.destructive ? ' (destructive)' : ''}\n    why: ${r.reason}\n    instead: ${r.instead}`,
    ),
  );
}

/** After the chain's last migration and after now, one second apart, as the chain spaces its own. */
function fileNames(change: string, migrations: readonly PlannedMigration[], last: string | undefined): string[] {
  const digits = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})_/.exec(last ?? '');
  const lastTime = digits
    ? Date.UTC(+digits[1]!, +digits[2]! - 1, +digits[3]!, +digits[4]!, +digits[5]!, +digits[6]!, +digits[7]!)
    : 0;
  const start = Math.max(Date.now(), lastTime + 1000);
  return migrations.map((m, i) => {
    const stamp = new Date(start + i * 1000).toISOString().replace(/\D/g, ''); // node-pg-migrate's 17-digit "utc"
    return `${stamp}_${change}${m.suffix ? `-${m.suffix}` : ''}`.slice(0, 120);
  });
}

// Lint sees the chain and the new files together, as CI will: a finding in a migration that is not
// destructive is diff's own fault; a destructive one carries a lint-accept line for each rule it trips,
// with the developer's reason.
async function provenSources(
  migrations: readonly PlannedMigration[],
  names: readonly string[],
  dir: string,
  args: DiffArgs,
): Promise<string[]> {
  const fileOf = (i: number) => `${names[i]}.ts`;
  for (const [i, m] of migrations.entries()) writeFileSync(join(dir, fileOf(i)), migrationSource(m, args.name));
  const findings = (await lintMigrations(listMigrations(dir))).filter((f) => !f.accepted);
  const inFile = (i: number) => findings.filter((f) => basename(f.file) === fileOf(i));
  const faults = migrations.flatMap((m, i) => (m.destructive ? [] : inFile(i)));
  if (faults.length > 0)
    throw new LintFindings(
      `diff planned ${faults.length} unsafe statement${faults.length === 1 ? '' : 's'} (a fault of diff itself): nothing written`,
      faults.map((f) => `${basename(f.file)}:${f.line} ${f.rule}: ${f.message}`),
    );
  return migrations.map((m, i) => {
    if (!m.destructive) return migrationSource(m, args.name);
    const rules = [...new Set(inFile(i).map((f) => f.rule))];
    return migrationSource(
      m,
      args.name,
      rules.map((rule) => ({ rule, reason: args.allowDestructive! })),
    );
  });
}

function sameCatalog(want: readonly string[], have: readonly string[], what: string): void {
  const comparison = compareCatalogs(want, have);
  if (comparison.missing.length + comparison.different.length + comparison.extra.length === 0) return;
  throw new SchemaMismatch(`the planned migrations fail their proof: ${what}; nothing written`, [
    ...describeDifferences(comparison),
    ...comparison.extra.map((line) => `extra: ${line}`),
  ]);
}
