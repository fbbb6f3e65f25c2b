// What has been applied: node-pg-migrate's table (id, name, run_on) and, beside
// it, our table of checksums. node-pg-migrate writes its rows when it applies a
// migration; we write ours right after, and for stamped migrations both at once.
import type pg from 'pg';

export interface AppliedMigration {
  name: string;
  runOn: Date;
  /** null when applied before checksums were kept (e.g. by plain node-pg-migrate) */
  checksum: string | null;
}

export interface Ledger {
  /** whether node-pg-migrate's table exists */
  exists: boolean;
  /** in the order node-pg-migrate reads them: run_on, id */
  applied: AppliedMigration[];
}

const UNDEFINED_TABLE = '42P01';

export class LedgerTables {
  readonly migrations: string;
  readonly checksums: string;
  constructor(readonly schema: string, readonly table: string) {
    // both names are validated identifiers (config.ts), so quoting is enough
    this.migrations = `"${schema}"."${table}"`;
    this.checksums = `"${schema}"."${table}_checksums"`;
  }

  /** One query in the common case; falls back when either table is missing. */
  async read(client: pg.Client): Promise<Ledger> {
    try {
      return { exists: true, applied: await this.select(client, true) };
    } catch (error) {
      if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error;
    }
    try {
      return { exists: true, applied: await this.select(client, false) };
    } catch (error) {
      if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error;
      return { exists: false, applied: [] };
    }
  }

  private async select(client: pg.Client, withChecksums: boolean): Promise<AppliedMigration[]> {
    const sql = withChecksums
      ? `select m.name, m.run_on, c.checksum from ${this.migrations} m left join ${this.checksums} c on c.name = m.name order by m.run_on, m.id`
      : `select m.name, m.run_on, null as checksum from ${this.migrations} m order by m.run_on, m.id`;
    const { rows } = await client.query<{ name: string; run_on: Date; checksum: string | null }>(sql);
    return rows.map((row) => ({ name: row.name, runOn: row.run_on, checksum: row.checksum }));
  }

  /** Same DDL as node-pg-migrate, so either tool can take over from the other. */
  async ensure(client: pg.Client): Promise<void> {
    await client.query(
      `create table if not exists ${this.migrations} (id serial primary key, name varchar(255) not null, run_on timestamp not null);
       create table if not exists ${this.checksums} (name varchar(255) primary key, checksum char(64) not null, recorded_at timestamptz not null default now())`,
    );
  }

  async recordChecksums(client: pg.Client, entries: readonly { name: string; checksum: string }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.ensure(client);
    await this.upsertChecksums(client, entries);
  }

  private async upsertChecksums(client: pg.Client, entries: readonly { name: string; checksum: string }[]): Promise<void> {
    await client.query(
      `insert into ${this.checksums} (name, checksum)
       select * from unnest($1::text[], $2::text[])
       on conflict (name) do update set checksum = excluded.checksum, recorded_at = now()`,
      [entries.map((e) => e.name), entries.map((e) => e.checksum)],
    );
  }

  /** Records migrations as applied without running them, in one transaction. */
  async stamp(client: pg.Client, entries: readonly { name: string; checksum: string }[]): Promise<void> {
    await this.ensure(client);
    await client.query('begin');
    try {
      await client.query(
        `insert into ${this.migrations} (name, run_on) select name, now() from unnest($1::text[]) with ordinality as t(name, n) order by n`,
        [entries.map((e) => e.name)],
      );
      await this.upsertChecksums(client, entries);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    }
  }

  /** Drops checksums of migrations that are no longer applied (after `down`). */
  async forgetReverted(client: pg.Client): Promise<void> {
    await client.query(`delete from ${this.checksums} c where not exists (select 1 from ${this.migrations} m where m.name = c.name)`);
  }
}
