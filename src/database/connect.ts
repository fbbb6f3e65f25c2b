// One dedicated connection (no pool), retried while the database is starting,
// reported at once when retrying cannot help (wrong password, unknown database,
// TLS refused, a host name that does not resolve).
import pg from 'pg';
import { DatabaseMissing, DatabaseUnavailable, Interrupted, StandbyRefused } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Config } from '../settings/config.ts';
import { backoff, type SignalWatch, sleep } from '../signals.ts';
import { applySessionSettings } from './session-settings.ts';

// Network errors and PostgreSQL's "starting up / shutting down / too many connections".
const RETRYABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  '57P03',
  '53300',
]);

/** An open connection, as the database port takes it over. */
export interface OpenConnection {
  client: pg.Client;
  /** the server process serving this connection, for pg_cancel_backend */
  pid: number;
  /** the pid announced at start-up (BackendKeyData): `pid` unless a pooler answered with its own */
  announcedPid: number;
  /** the server is a standby in recovery */
  standby: boolean;
  /** true once the connection broke (server restart, network) */
  lost(): boolean;
  close(): Promise<void>;
}

export async function waitForDatabase(config: Config, log: Logger, signals: SignalWatch): Promise<OpenConnection> {
  const { client: settings, display } = config.database;
  const deadline = Date.now() + config.waitTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    const remaining = deadline - Date.now();
    const client = new pg.Client({
      ...settings,
      connectionTimeoutMillis: Math.max(1000, Math.min(5000, remaining)),
    });
    let lost = false;
    // a server restart would otherwise surface as an unhandled 'error' event
    client.on('error', (error) => {
      lost = true;
      log.debug(`connection error: ${error.message}`);
    });
    client.on('end', () => (lost = true));
    try {
      await client.connect();
      const announcedPid = (client as unknown as { processID: number }).processID;
      const { pid, standby } = await applySessionSettings(client, config);
      log.debug(`connected to ${display} (server pid ${pid}${standby ? ', a standby' : ''})`);
      return { client, pid, announcedPid, standby, lost: () => lost, close: () => client.end().catch(() => undefined) };
    } catch (error) {
      await client.end().catch(() => undefined);
      const cause = describe(error);
      if (cause.standby) throw new StandbyRefused(display, 'it accepts no connections (hot_standby = off)');
      if (cause.missing) throw new DatabaseMissing(`cannot connect to ${display}: ${cause.text}`);
      if (!cause.retryable) throw new DatabaseUnavailable(`cannot connect to ${display}: ${cause.text}`);
      if (signals.received) throw new Interrupted(signals.received, `while waiting for ${display}`);
      if (Date.now() >= deadline) {
        throw new DatabaseUnavailable(
          `database ${display} did not accept connections within ${config.waitTimeoutMs / 1000} s (last error: ${cause.text})`,
        );
      }
      if (attempt === 0)
        log.info(
          `waiting for database ${display} (${cause.text}); retrying for up to ${Math.round(remaining / 1000)} s`,
        );
      else log.debug(`still waiting for ${display}: ${cause.text}`);
      await sleep(Math.min(backoff(attempt, 100, 2000), deadline - Date.now()), signals.abortSignal);
      if (signals.received) throw new Interrupted(signals.received, `while waiting for ${display}`);
    }
  }
}

const HOT_STANDBY_OFF = /hot standby mode is disabled/i;

// Certificate problems and TLS refusals: the same answer however often we ask.
const TLS_CODE = /^ERR_(TLS|SSL)_|CERT|SELF_SIGNED|UNABLE_TO_/;
const TLS_REFUSED = [
  'The server does not support SSL connections',
  'There was an error establishing an SSL connection',
];

function describe(error: unknown): { retryable: boolean; text: string; missing?: boolean; standby?: boolean } {
  const e = error as NodeJS.ErrnoException & { hostname?: string; detail?: string };
  const code = e.code ?? '';
  // "not accepting connections" while starting is worth waiting for; a standby without hot standby never is
  if (code === '57P03' && HOT_STANDBY_OFF.test(e.detail ?? ''))
    return { retryable: false, text: e.message, standby: true };
  if (code === 'ENOTFOUND') return { retryable: false, text: `host name ${e.hostname ?? ''} does not resolve`.trim() };
  if (code === '28P01' || code === '28000') return { retryable: false, text: `authentication failed: ${e.message}` };
  if (code === '3D000') return { retryable: false, text: e.message, missing: true };
  if (RETRYABLE.has(code)) return { retryable: true, text: `${code === '57P03' ? '' : `${code}: `}${e.message}` };
  if (TLS_CODE.test(code) || TLS_REFUSED.includes(e.message)) return { retryable: false, text: `TLS: ${e.message}` };
  // pg gives no code when a server that is starting or restarting hangs up
  // ("Connection terminated unexpectedly") or does not answer ("timeout expired")
  return { retryable: code === '', text: e.message };
}
