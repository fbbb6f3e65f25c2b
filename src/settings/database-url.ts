// The connection settings: a URL (plain or SQLAlchemy-style) or the POSTGRES_*
// parts, turned into a pg ClientConfig. Nothing here echoes a password.

import { readFileSync } from 'node:fs';
import type { ClientConfig } from 'pg';
import { InvalidUrl } from '../errors.ts';

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface ConnectionParts {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Where to connect: what pg needs, and how to name it in messages. */
export interface ConnectionTarget {
  /** what pg needs to connect */
  client: ClientConfig;
  /** `user@host:port/database`, safe to print */
  display: string;
}

const SCHEMES = /^(postgres|postgresql)(\+(asyncpg|psycopg2?|psycopg|pg8000|pg))?:\/\//i;

export function buildUrl(parts: ConnectionParts): string {
  const auth = `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}`;
  const host = parts.host.includes(':') ? `[${parts.host}]` : parts.host;
  return `postgresql://${auth}@${host}:${parts.port}/${encodeURIComponent(parts.database)}`;
}

export function parseUrl(url: string, sslDefaults: { mode?: SslMode; rootCert?: string } = {}): ConnectionTarget {
  const scheme = SCHEMES.exec(url);
  if (!scheme)
    throw new InvalidUrl(
      'must start with postgresql:// (or postgres://, postgresql+asyncpg://, postgresql+psycopg2://)',
    );
  let parsed: URL;
  try {
    parsed = new URL(`postgresql://${url.slice(scheme[0].length)}`);
  } catch {
    throw new InvalidUrl(
      'is not a valid URL; percent-encode special characters in the user and password (@ : / # ? %)',
    );
  }
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new InvalidUrl(`has a malformed percent-encoding in the ${what}`);
    }
  };
  const params = parsed.searchParams;
  const allowed = new Set(['sslmode', 'ssl', 'sslrootcert', 'host', 'application_name']);
  const unknown = [...params.keys()].filter((key) => !allowed.has(key));
  if (unknown.length > 0)
    throw new InvalidUrl(`has unsupported parameters: ${unknown.join(', ')} (supported: ${[...allowed].join(', ')})`);

  const host = params.get('host') ?? decode(parsed.hostname.replace(/^\[|\]$/g, ''), 'host');
  if (!host) throw new InvalidUrl('has no host');
  const port = parsed.port ? Number(parsed.port) : 5432;
  const database = decode(parsed.pathname.replace(/^\//, ''), 'database name');
  if (!database) throw new InvalidUrl('has no database name');
  const user = decode(parsed.username, 'user');
  if (!user) throw new InvalidUrl('has no user');
  const password = decode(parsed.password, 'password');

  const mode = sslModeOf(params.get('sslmode') ?? sslAlias(params.get('ssl')) ?? sslDefaults.mode);
  const rootCert = params.get('sslrootcert') ?? sslDefaults.rootCert;
  return {
    client: { host, port, user, password, database, ssl: sslOptions(mode, rootCert) },
    display: `${user}@${host.includes(':') ? `[${host}]` : host}:${port}/${database}`,
  };
}

// asyncpg URLs say ?ssl=require rather than ?sslmode=require
function sslAlias(value: string | null): string | undefined {
  if (value === null) return undefined;
  if (value === 'true') return 'require';
  if (value === 'false') return 'disable';
  return value;
}

function sslModeOf(value: string | undefined): SslMode | undefined {
  if (value === undefined) return undefined;
  if ((SSL_MODES as readonly string[]).includes(value)) return value as SslMode;
  throw new InvalidUrl(`has sslmode=${value}; expected one of ${SSL_MODES.join(', ')}`);
}

// libpq's meaning of each mode; pg cannot fall back from TLS to plain, so
// allow/prefer connect without TLS (a server that insists says so clearly).
function sslOptions(mode: SslMode | undefined, rootCert: string | undefined): ClientConfig['ssl'] {
  if (mode === undefined || mode === 'disable' || mode === 'allow' || mode === 'prefer') return false;
  const ca = rootCert ? readRootCert(rootCert) : undefined;
  if (mode === 'require' && !ca) return { rejectUnauthorized: false };
  if (mode === 'verify-full') return { rejectUnauthorized: true, ...(ca && { ca }) };
  // require with a root certificate behaves like verify-ca, as in libpq
  return { rejectUnauthorized: true, ...(ca && { ca }), checkServerIdentity: () => undefined };
}

function readRootCert(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidUrl(
      `names sslrootcert ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}
