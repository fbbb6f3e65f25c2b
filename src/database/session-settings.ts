// The settings every runner connection starts with, sent in the start-up packet
// (no extra round trip). wait-for-db.ts opens the connection with them.
import type { ClientConfig } from 'pg';
import type { Config } from '../config.ts';

export function sessionSettings(config: Config): Pick<ClientConfig, 'options' | 'statement_timeout' | 'lock_timeout'> {
  return {
    // The server checks every 2 s that we are still there, so a runner killed with
    // SIGKILL mid-statement has its transaction rolled back and its lock released
    // within seconds, not when the statement ends.
    options: '-c client_connection_check_interval=2000',
    ...(config.statementTimeoutMs > 0 && { statement_timeout: config.statementTimeoutMs }),
    ...(config.ddlLockTimeoutMs > 0 && { lock_timeout: config.ddlLockTimeoutMs }),
  };
}
