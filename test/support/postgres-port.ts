// The PostgreSQL database port on a plain connection to a test database, for
// in-process tests (the CLI opens it through database/connect.ts instead).
import pg from 'pg';
import { PostgresDatabase } from '../../src/database/postgres-database.ts';

export async function connectPort(url: string, table = 'pgmigrations'): Promise<PostgresDatabase> {
  const client = new pg.Client({ connectionString: url, application_name: 'mnemolite-migrate' });
  await client.connect();
  let lost = false;
  client.on('error', () => (lost = true));
  client.on('end', () => (lost = true));
  const pid = (client as unknown as { processID: number }).processID;
  const standby = (await client.query<{ standby: boolean }>('select pg_is_in_recovery() as standby')).rows[0]!.standby;
  return new PostgresDatabase(
    { client, pid, announcedPid: pid, standby, lost: () => lost, close: () => client.end().catch(() => undefined) },
    { clientConfig: { connectionString: url }, schema: 'public', table, debug: () => undefined },
  );
}
