// The runner's settings, read from the environment with envalid. MnemoLite's Node
// services may import loadConfig() to read the same variables the same way.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { customCleanEnv, makeValidator, port, type ReporterOptions, str } from 'envalid';
import { ConfigError, InvalidUrl } from '../errors.ts';
import { buildUrl, type ConnectionTarget, parseUrl, SSL_MODES, type SslMode } from './database-url.ts';
import { registerSecret } from './redact.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'text' | 'json';

export interface Config {
  /** the database of MIGRATE_DATABASE_URL, else DATABASE_URL (or POSTGRES_DB): a command works on it, and missing databases are created from it */
  database: ConnectionTarget;
  /** every database a command works on, one after the other (MIGRATE_DATABASES; default: `database` alone) */
  databases: ConnectionTarget[];
  embedding: {
    model: string;
    dimension: number;
    codeModel: string;
    codeDimension: number;
    /** the dimension variables the environment set: only those are named when the dimension is refused */
    setBy: string[];
  };
  migrationsDir: string;
  migrationsTable: string;
  waitTimeoutMs: number;
  lockTimeoutMs: number;
  ddlLockTimeoutMs: number;
  statementTimeoutMs: number;
  progressIntervalMs: number;
  /** the most memory one index build may use (maintenance_work_mem, per session); see build-memory.ts */
  maintenanceWorkMemKb: number;
  /** max_parallel_maintenance_workers for index builds */
  parallelWorkers: number;
  /** how far behind a replica may fall before backfill batches and index builds wait for it; 0: no bound */
  maxReplicaLagMs: number;
  log: { format: LogFormat; level: LogLevel };
}

/** The migrations shipped with this package (dist/config.js -> ../migrations). */
export const SHIPPED_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

const seconds = makeValidator<number>((input) => {
  const value = Number(input.trim());
  if (input.trim() === '' || !Number.isFinite(value) || value < 0 || value > 86_400) {
    throw new Error('must be a number of seconds between 0 and 86400');
  }
  return value;
});

const dimension = makeValidator<number>((input) => {
  const value = Number(input.trim());
  // pgvector's limit for a vector column is 16000 dimensions
  if (!Number.isInteger(value) || value < 1 || value > 16_000)
    throw new Error('must be a whole number from 1 to 16000');
  return value;
});

const identifier = makeValidator<string>((input) => {
  if (!/^[a-z_][a-z0-9_]{0,50}$/.test(input))
    throw new Error('must be a lower-case SQL identifier (a-z, 0-9, _; at most 51 characters)');
  return input;
});

// PostgreSQL's own units for memory settings (kB, MB, GB, TB; 1024 apart); a bare number is kB, as in postgresql.conf
const memory = makeValidator<number>((input) => {
  const match = /^\s*(\d+)\s*(kB|MB|GB|TB)?\s*$/.exec(input);
  const kb = match ? Number(match[1]) * 1024 ** ['kB', 'MB', 'GB', 'TB'].indexOf(match[2] ?? 'kB') : Number.NaN;
  // PostgreSQL's bounds for maintenance_work_mem: 1MB to 2 TB - 1 kB
  if (!(kb >= 1024 && kb < 2 * 1024 ** 3))
    throw new Error("must be a size from 1MB to 2TB, in PostgreSQL's units (e.g. 512MB, 1GB)");
  return kb;
});

const workers = makeValidator<number>((input) => {
  const value = Number(input.trim());
  // PostgreSQL's own bounds for max_parallel_maintenance_workers
  if (input.trim() === '' || !Number.isInteger(value) || value < 0 || value > 1024)
    throw new Error('must be a whole number from 0 to 1024');
  return value;
});

const lowerCaseChoice = <T extends string>(choices: readonly T[], aliases: Record<string, T> = {}) =>
  makeValidator<T>((input) => {
    const value = input.trim().toLowerCase();
    if ((choices as readonly string[]).includes(value)) return value as T;
    if (Object.hasOwn(aliases, value)) return aliases[value]!; // not `in`: '__proto__' is in every object
    throw new Error(`must be one of ${choices.join(', ')}`);
  });

// Values of secrets never appear in messages: envalid's str() cannot fail, and
// the checks below describe the problem without quoting the value.
const specs = {
  DATABASE_URL: str({ default: undefined, desc: 'postgresql:// URL (SQLAlchemy +asyncpg/+psycopg2 forms accepted)' }),
  DATABASE_URL_FILE: str({ default: undefined, desc: 'file holding DATABASE_URL' }),
  MIGRATE_DATABASE_URL: str({ default: undefined, desc: 'a direct URL for the runner, beside a pooled DATABASE_URL' }),
  MIGRATE_DATABASE_URL_FILE: str({ default: undefined, desc: 'file holding MIGRATE_DATABASE_URL' }),
  POSTGRES_HOST: str({ default: 'db' }),
  POSTGRES_PORT: port({ default: 5432 }),
  POSTGRES_USER: str({ default: 'mnemo' }),
  POSTGRES_PASSWORD: str({ default: undefined }),
  POSTGRES_PASSWORD_FILE: str({ default: undefined }),
  POSTGRES_DB: str({ default: 'mnemolite' }),
  MIGRATE_DATABASES: str({
    default: undefined,
    desc: 'comma-separated databases on the same server, e.g. mnemolite,mnemolite_test',
  }),
  PGSSLMODE: lowerCaseChoice(SSL_MODES)({ default: undefined }),
  PGSSLROOTCERT: str({ default: undefined }),
  EMBEDDING_MODEL: str({ default: 'nomic-ai/nomic-embed-text-v1.5' }),
  // unset, each takes the other's value (every vector column holds one dimension), else 768
  EMBEDDING_DIMENSION: dimension({ default: undefined }),
  CODE_EMBEDDING_MODEL: str({ default: 'jinaai/jina-embeddings-v2-base-code' }),
  CODE_EMBEDDING_DIMENSION: dimension({ default: undefined }),
  MIGRATIONS_DIR: str({ default: SHIPPED_MIGRATIONS_DIR }),
  MIGRATIONS_TABLE: identifier({ default: 'pgmigrations' }),
  MIGRATE_WAIT_TIMEOUT: seconds({ default: 60 }),
  MIGRATE_LOCK_TIMEOUT: seconds({ default: 120 }),
  MIGRATE_DDL_LOCK_TIMEOUT: seconds({ default: 5 }),
  MIGRATE_STATEMENT_TIMEOUT: seconds({ default: 0 }),
  MIGRATE_PROGRESS_INTERVAL: seconds({ default: 10 }),
  // MnemoLite's database container has 2 GB, 1 GB of it shared_buffers: 512MB for one build leaves room for the
  // backends. Smaller builds get their estimated graph's size instead (build-memory.ts).
  MIGRATE_MAINTENANCE_WORK_MEM: memory({ default: 512 * 1024 }),
  // One worker beside the leader: nearly halves an HNSW build on two cores, leaves a core to the writers.
  MIGRATE_PARALLEL_WORKERS: workers({ default: 1 }),
  // A standby reports its position with the WAL it receives, else every 10 s (wal_receiver_status_interval):
  // a shorter bound would mostly wait on reports; 10 s stale is not what MnemoLite's searches show (README).
  MIGRATE_MAX_REPLICA_LAG: seconds({ default: 10 }),
  LOG_FORMAT: lowerCaseChoice(['text', 'json'] as const)({ default: 'text' }),
  // MnemoLite's Python services spell levels WARNING and CRITICAL
  LOG_LEVEL: lowerCaseChoice(LOG_LEVELS, { warning: 'warn', critical: 'error' })({ default: 'info' }),
};

/** Every environment variable the settings read. */
export const SETTING_NAMES: readonly string[] = Object.keys(specs);

const DEFAULT_PASSWORD = 'mnemopass'; // MnemoLite's compose default
const DEFAULT_DIMENSION = 768; // nomic-embed-text-v1.5, MnemoLite's model

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const reporter = ({ errors }: ReporterOptions<typeof specs>) => {
    for (const [name, error] of Object.entries(errors)) problems.push(`${name}: ${describe(name, error as Error)}`);
  };
  // `VAR=` (compose's ${VAR:-}) means unset, for every setting alike
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim() !== ''));
  // no strict proxy: after a failed check we still read the other values to find every problem
  const e = customCleanEnv(given, specs, (cleaned) => cleaned, { reporter });

  // the API may reach the database through a pooler in transaction mode; the runner needs a
  // session of its own, so a direct URL for it wins (as Prisma's directUrl does)
  const directUrl = fromFileOrVariable(given, 'MIGRATE_DATABASE_URL', problems);
  const pooledUrl = fromFileOrVariable(given, 'DATABASE_URL', problems);
  const url = directUrl ?? pooledUrl;
  const password = fromFileOrVariable(given, 'POSTGRES_PASSWORD', problems);
  for (const secret of [directUrl, pooledUrl, password]) if (secret !== undefined) registerSecret(secret);

  if (
    e.EMBEDDING_DIMENSION !== undefined &&
    e.CODE_EMBEDDING_DIMENSION !== undefined &&
    e.EMBEDDING_DIMENSION !== e.CODE_EMBEDDING_DIMENSION
  ) {
    problems.push(
      `CODE_EMBEDDING_DIMENSION (${e.CODE_EMBEDDING_DIMENSION}) must equal EMBEDDING_DIMENSION (${e.EMBEDDING_DIMENSION}): every vector column holds one dimension`,
    );
  }

  let database: ConnectionTarget | undefined;
  const ssl = { mode: e.PGSSLMODE as SslMode | undefined, rootCert: e.PGSSLROOTCERT };
  if (directUrl !== undefined && pooledUrl !== undefined) {
    // unused then, but its password is a secret all the same
    try {
      registerSecret(parseUrl(pooledUrl, ssl).client.password as string);
    } catch {
      // a URL the runner does not use is not its to judge
    }
  }
  const source = directUrl !== undefined ? 'MIGRATE_DATABASE_URL' : url !== undefined ? 'DATABASE_URL' : 'POSTGRES_*';
  try {
    const parsed = parseUrl(
      url ??
        buildUrl({
          host: e.POSTGRES_HOST.trim(),
          port: e.POSTGRES_PORT ?? 5432,
          user: e.POSTGRES_USER,
          password: password ?? DEFAULT_PASSWORD,
          database: e.POSTGRES_DB,
        }),
      ssl,
    );
    registerSecret(parsed.client.password as string);
    database = { client: { ...parsed.client, application_name: 'mnemolite-migrate' }, display: parsed.display };
  } catch (error) {
    if (!(error instanceof InvalidUrl)) throw error;
    problems.push(`${source}: ${error.message}`);
  }

  const databases = database && otherDatabases(database, e.MIGRATE_DATABASES, problems);

  if (problems.length > 0 || database === undefined || databases === undefined) {
    throw new ConfigError(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
      problems,
    );
  }
  return {
    database,
    databases,
    embedding: {
      model: e.EMBEDDING_MODEL,
      dimension: e.EMBEDDING_DIMENSION ?? e.CODE_EMBEDDING_DIMENSION ?? DEFAULT_DIMENSION,
      codeModel: e.CODE_EMBEDDING_MODEL,
      codeDimension: e.CODE_EMBEDDING_DIMENSION ?? e.EMBEDDING_DIMENSION ?? DEFAULT_DIMENSION,
      setBy: (['EMBEDDING_DIMENSION', 'CODE_EMBEDDING_DIMENSION'] as const).filter((name) => e[name] !== undefined),
    },
    migrationsDir: e.MIGRATIONS_DIR,
    migrationsTable: e.MIGRATIONS_TABLE,
    waitTimeoutMs: e.MIGRATE_WAIT_TIMEOUT * 1000,
    lockTimeoutMs: e.MIGRATE_LOCK_TIMEOUT * 1000,
    ddlLockTimeoutMs: e.MIGRATE_DDL_LOCK_TIMEOUT * 1000,
    statementTimeoutMs: e.MIGRATE_STATEMENT_TIMEOUT * 1000,
    progressIntervalMs: e.MIGRATE_PROGRESS_INTERVAL * 1000,
    maintenanceWorkMemKb: e.MIGRATE_MAINTENANCE_WORK_MEM,
    parallelWorkers: e.MIGRATE_PARALLEL_WORKERS,
    maxReplicaLagMs: e.MIGRATE_MAX_REPLICA_LAG * 1000,
    log: { format: e.LOG_FORMAT, level: e.LOG_LEVEL },
  };
}

// MnemoLite's compose gives the API `mnemolite` and its tests `mnemolite_test` on one
// server: the same connection, another database name. Names as in the listed order.
function otherDatabases(
  primary: ConnectionTarget,
  list: string | undefined,
  problems: string[],
): ConnectionTarget[] | undefined {
  if (list === undefined || list.trim() === '') return [primary];
  const names = list.split(',').map((name) => name.trim());
  const bad = names.filter((name) => !/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(name));
  if (bad.length > 0) {
    problems.push(
      `MIGRATE_DATABASES: ${bad.map((n) => `"${n}"`).join(', ')} ${bad.length === 1 ? 'is not a database name' : 'are not database names'} (letters, digits, _ $ -)`,
    );
    return undefined;
  }
  return [...new Set(names)].map((name) => sameServer(primary, name));
}

/** Another database on the server `target` names, with the same role and settings. */
export function sameServer(target: ConnectionTarget, database: string): ConnectionTarget {
  const own = target.client.database!;
  return { client: { ...target.client, database }, display: `${target.display.slice(0, -own.length)}${database}` };
}

// envalid's own messages quote the raw input; for the settings we own the
// message, and a missing variable reads as such.
function describe(name: string, error: Error): string {
  if (error.name === 'EnvMissingError') return 'is required';
  if (name === 'POSTGRES_PORT') return 'must be a TCP port number from 1 to 65535';
  return error.message;
}

// The Docker / Kubernetes secrets convention: NAME_FILE holds the value in a file.
function fromFileOrVariable(env: NodeJS.ProcessEnv, name: string, problems: string[]): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`]?.trim() || undefined;
  if (direct !== undefined && file !== undefined) {
    problems.push(`${name} and ${name}_FILE are both set; set only one`);
    return undefined;
  }
  if (file === undefined) return direct;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}
