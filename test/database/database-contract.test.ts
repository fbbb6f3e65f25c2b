// One contract, two implementations: PostgreSQL (each test its own database)
// and the in-memory twin the decision tests run on.
import pg from 'pg';
import { MemoryServer } from '../../src/database/memory-database.ts';
import { freshDatabase } from '../support/database.ts';
import { databaseContract, type Harness } from '../support/database-contract.ts';
import { connectPort } from '../support/postgres-port.ts';

databaseContract('in memory', async (): Promise<Harness> => {
  const server = new MemoryServer();
  return {
    connect: async (table) => server.connect({ table }),
    arrange: {
      createExtension: async (name) => server.createExtension(name),
      createTable: async (name, columns) => server.createTable(name, columns),
      createIndex: async (table, name, column, options) => server.createIndex(table, name, column, options),
      setAlembicRevisions: async (revisions) => server.setAlembicRevisions(revisions),
      appendLedgerRow: async (name, table = 'pgmigrations') => server.appendLedgerRow(`public.${table}`, name),
      removeLedgerRow: async (name, table = 'pgmigrations') => server.removeLedgerRow(`public.${table}`, name),
      insertRows: async (table, rows) => server.insertRows(table, rows),
      readRows: async (table, key) => server.tableRows(table).sort((a, b) => (a[key] as number) - (b[key] as number)),
      holdTableLocks: async (tables) => {
        const release = server.holdTableLocks(tables);
        return async () => release();
      },
    },
    dispose: async () => undefined,
  };
});

databaseContract('PostgreSQL', async (): Promise<Harness> => {
  const db = await freshDatabase();
  const open = async (application_name: string) => {
    const client = new pg.Client({ connectionString: db.url, application_name });
    await client.connect();
    return client;
  };
  const admin = await open('contract-arrange');
  const sql = (text: string, values?: unknown[]) => admin.query(text, values);
  const ensureLedger = (table: string) =>
    sql(
      `create table if not exists ${table} (id serial primary key, name varchar(255) not null, run_on timestamp not null)`,
    );
  return {
    connect: (table) => connectPort(db.url, table),
    arrange: {
      createExtension: async (name) => void (await sql(`create extension if not exists ${name}`)),
      createTable: async (name, columns) =>
        void (await sql(
          `create table ${name} (${Object.entries(columns)
            .map(([c, t]) => `${c} ${t}`)
            .join(', ')})`,
        )),
      createIndex: async (table, name, column, options) => {
        await sql(`create index ${name} on ${table} (${column})`);
        if (options?.valid === false)
          await sql(`update pg_index set indisvalid = false where indexrelid = $1::regclass`, [name]);
      },
      setAlembicRevisions: async (revisions) => {
        await sql('create table alembic_version (version_num varchar(32) not null primary key)');
        await sql('insert into alembic_version select unnest($1::text[])', [revisions]);
      },
      appendLedgerRow: async (name, table = 'pgmigrations') => {
        await ensureLedger(table);
        await sql(`insert into ${table} (name, run_on) values ($1, now())`, [name]);
      },
      removeLedgerRow: async (name, table = 'pgmigrations') =>
        void (await sql(`delete from ${table} where name = $1`, [name])),
      insertRows: async (table, rows) =>
        void (await sql(`insert into ${table} select * from json_populate_recordset(null::${table}, $1)`, [
          JSON.stringify(rows),
        ])),
      readRows: async (table, key) => (await sql(`select * from ${table} order by ${key}`)).rows,
      holdTableLocks: async (tables) => {
        const other = await open('other');
        await other.query('begin');
        for (const table of tables) await other.query(`lock table ${table} in access share mode`);
        return async () => {
          await other.query('rollback');
          await other.end();
        };
      },
    },
    dispose: async () => {
      await admin.end();
      await db.drop();
    },
  };
});
