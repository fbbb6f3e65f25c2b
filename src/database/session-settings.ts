// The settings every runner connection works under, applied right after it opens:
// sent as start-up parameters, PgBouncer refuses them ("unsupported startup
// parameter") unless its operator lists them in ignore_startup_parameters. Plain
// SETs are session-level, so they hold for every migration on the connection.
import type pg from 'pg';
import type { Config } from '../settings/config.ts';

/** Applies the settings and reads who serves us, all in one round trip. */
export async function applySessionSettings(
  client: pg.Client,
  config: Config,
): Promise<{ pid: number; standby: boolean }> {
  const statements = [
    // The server checks every 2 s that we are still there, so a runner killed with
    // SIGKILL mid-statement has its transaction rolled back and its lock released
    // within seconds, not when the statement ends.
    'set client_connection_check_interval = 2000',
    ...(config.statementTimeoutMs > 0 ? [`set statement_timeout = ${config.statementTimeoutMs}`] : []),
    ...(config.ddlLockTimeoutMs > 0 ? [`set lock_timeout = ${config.ddlLockTimeoutMs}`] : []),
    // the pid announced at start-up is a pooler's own when one is in between; a standby is refused
    // before anything is written (session/standby.ts), at no cost of its own
    'select pg_backend_pid() as pid, pg_is_in_recovery() as standby',
  ];
  // several statements and no parameters: the simple protocol, one message, one answer
  const results = (await client.query(statements.join('; '))) as unknown as pg.QueryResult<{
    pid: number;
    standby: boolean;
  }>[];
  return results.at(-1)!.rows[0]!;
}
