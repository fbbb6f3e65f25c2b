// What only the PostgreSQL implementation of the port can show: the catalog
// listing of a rich schema, cancelling a running statement, the progress
// watcher's one connection, and the settings every connection starts with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressReporter } from '../../src/apply/progress.ts';
import { waitForDatabase } from '../../src/database/connect.ts';
import { createLogger } from '../../src/log.ts';
import { loadConfig } from '../../src/settings/config.ts';
import { SignalWatch } from '../../src/signals.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { connectPort } from '../support/postgres-port.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

const A = { name: '001_a', checksum: 'a'.repeat(64) };

describe('catalog(): the live schema, one line per object', { timeout: 180_000 }, () => {
  it('lists columns with defaults, identity and generation, indexes, constraints, views, functions, triggers, sequences, extensions in another schema', async () => {
    await db.query(`
      create schema other;
      create extension pg_trgm schema other;
      create table items (
        id bigint generated always as identity primary key,
        name text not null default 'x',
        price numeric(10,2),
        total numeric generated always as (price * 2) stored
      );
      create index items_name_idx on items (name);
      alter table items add constraint price_positive check (price > 0);
      create view item_names as select name from items;
      create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
      create trigger items_touch before update on items for each row execute function touch();
      create sequence counter start 5;
      create table "Zeta" (id int);
      create table alembic_version (version_num varchar(32) primary key);
      create table pgmigrations (id int); -- not our ledger here: MIGRATIONS_TABLE is schema_history
    `);
    const port = await connectPort(db.url, 'schema_history');
    try {
      await port.stamp([A]);
      const lines = await port.catalog();
      expect(lines).toEqual(
        expect.arrayContaining([
          'extension pg_trgm schema=other',
          'extension plpgsql schema=pg_catalog',
          'schema other',
          'schema public',
          'table public.items',
          'column public.items.id bigint not-null identity=always',
          "column public.items.name text not-null default='x'::text",
          'column public.items.price numeric(10,2) null',
          'column public.items.total numeric null generated=(price * (2)::numeric)',
          'column-order public.items: id,name,price,total',
          'constraint public.items.items_pkey primary-key: PRIMARY KEY (id)',
          'constraint public.items.price_positive check: CHECK ((price > (0)::numeric))',
          'index public.items.items_name_idx: CREATE INDEX items_name_idx ON public.items USING btree (name)',
          'index public.items.items_pkey: CREATE UNIQUE INDEX items_pkey ON public.items USING btree (id)',
          'view public.item_names:  SELECT name FROM public.items;', // pg_get_viewdef starts with a space
          'trigger public.items.items_touch: CREATE TRIGGER items_touch BEFORE UPDATE ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch()',
          'sequence public.counter type=bigint start=5 increment=1 min=1 max=9223372036854775807 cache=1',
          'table public."Zeta"',
          'table public.pgmigrations',
        ]),
      );
      expect(lines.find((line) => line.startsWith('function public.touch()'))).toMatch(
        /^function public\.touch\(\): CREATE OR REPLACE FUNCTION public\.touch\(\) RETURNS trigger LANGUAGE plpgsql AS \$function\$ begin return new; end \$function\$ ?$/,
      );
      expect(
        lines.filter(
          (line) =>
            /schema_history|alembic_version|similarity|gtrgm|\d+\.\d+/.test(line) &&
            !line.includes('numeric(10,2)') &&
            !line.startsWith('sequence '),
        ),
      ).toEqual([]);
      expect(lines.find((line) => line.startsWith('sequence public.items_id_seq'))).toContain(
        'owned-by=public.items.id',
      );
      // C collation: upper case before lower case, byte by byte
      expect(lines).toEqual([...lines].sort());
      expect(lines.indexOf('table public."Zeta"')).toBeLessThan(lines.indexOf('table public.items'));
      // the search_path was only emptied for the listing's transaction
      expect(await port.executor(() => undefined).query(`select current_setting('search_path') as path`)).toMatchObject(
        {
          rows: [{ path: '"$user", public' }],
        },
      );
    } finally {
      await port.close();
    }
  });
});

describe('catalogFingerprint(): another value for every change the listing shows', { timeout: 180_000 }, () => {
  it('one statement at a time, each of them changing a single kind of catalog row', async () => {
    const own = await freshDatabase();
    const port = await connectPort(own.url);
    try {
      await own.query(`
        create table t (id int primary key, n text default 'a', e int);
        create index t_n on t (n);
        alter table t add constraint e_positive check (e > 0) not valid;
        create type mood as enum ('calm');
        create function f() returns int language sql as 'select 1';
        create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
        create trigger t_touch before update on t for each row execute function touch();
        create sequence counter;
        create view ids as select id from t;
      `);
      const changes = [
        `alter table t alter column n set default 'b'`,
        `alter type mood add value 'glad'`,
        `create or replace function f() returns int language sql as 'select 2'`,
        'alter table t disable trigger t_touch',
        'alter table t validate constraint e_positive',
        'alter sequence counter increment by 2',
        'create or replace view ids as select id from t where id > 0',
        `comment on table t is 'things'`,
        'alter index t_n rename to t_name',
        'alter table t rename column e to amount',
        'alter table t alter column n set not null',
        'alter table t alter column amount type bigint',
        'drop index t_name',
        'alter function f() rename to g',
      ];
      let before = await port.fingerprintedCatalog();
      for (const change of changes) {
        await own.query(change);
        const after = await port.fingerprintedCatalog();
        expect(after.lines, change).not.toEqual(before.lines);
        expect(after.fingerprint, change).not.toBe(before.fingerprint);
        before = after;
      }
      // a schema check recorded (its table made by the first record) changes nothing the fingerprint reads
      await port.recordSchemaCheck('k', before.fingerprint);
      const recorded = await port.catalogFingerprint();
      await port.recordSchemaCheck('k', recorded);
      await port.recordSchemaCheck('j', recorded);
      expect(await port.catalogFingerprint()).toBe(recorded);
      expect(await port.catalog()).toEqual(before.lines);
    } finally {
      await port.close();
      await own.drop();
    }
  });
});

describe('the connection', { timeout: 180_000 }, () => {
  it('starts with lock_timeout, statement_timeout and the connection check from the settings', async () => {
    const config = loadConfig({ DATABASE_URL: db.url, MIGRATE_DDL_LOCK_TIMEOUT: '7', MIGRATE_STATEMENT_TIMEOUT: '9' });
    const connection = await waitForDatabase(
      config,
      createLogger(config.log, () => undefined),
      new SignalWatch(),
    );
    try {
      const { rows } = await connection.client.query<{ lock: string; statement: string; check: string }>(
        `select current_setting('lock_timeout') as lock, current_setting('statement_timeout') as statement,
                current_setting('client_connection_check_interval') as check`,
      );
      expect(rows[0]).toEqual({ lock: '7s', statement: '9s', check: '2s' });
    } finally {
      await connection.close();
    }
  });

  it('cancelRunningStatement stops what the connection runs, from a second connection', async () => {
    const port = await connectPort(db.url);
    try {
      const sleeping = port
        .executor(() => undefined)
        .query('select pg_sleep(30)')
        .catch((error) => error);
      await expect
        .poll(
          async () =>
            (
              await db.query(
                `select 1 from pg_stat_activity where pid = $1 and query like '%pg_sleep%' and state = 'active'`,
                [port.pid],
              )
            ).length,
          { timeout: 90_000 },
        )
        .toBe(1);
      await port.cancelRunningStatement();
      expect(await sleeping).toMatchObject({ code: '57014' });
    } finally {
      await port.close();
    }
  });
});

describe('progress heartbeats', { timeout: 180_000 }, () => {
  const watchers = () =>
    db
      .query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = 'mnemolite-migrate (progress)'`,
        [db.name],
      )
      .then((r) => r[0]!.n);

  it('open one watcher connection however many heartbeats overlap, and close it at the end', async () => {
    const port = await connectPort(db.url);
    const lines: string[] = [];
    try {
      const sleeping = port
        .executor(() => undefined)
        .query('select pg_sleep(30)')
        .catch((error) => error);
      await expect
        .poll(
          async () =>
            (await db.query(`select 1 from pg_stat_activity where pid = $1 and state = 'active'`, [port.pid])).length,
          { timeout: 90_000 },
        )
        .toBe(1);
      // a 1 ms interval: many heartbeats fire while the watcher is still connecting
      const reporter = new ProgressReporter(
        1,
        createLogger({ format: 'text', level: 'info' }, (line) => lines.push(line)),
        port.progressWatcher(),
      );
      reporter.start('20270101000000000_slow');
      await expect
        .poll(() => lines.filter((line) => line.includes('still running 20270101000000000_slow')).length, {
          timeout: 90_000,
        })
        .toBeGreaterThanOrEqual(3);
      expect(await watchers()).toBe(1);
      await reporter.close();
      await expect.poll(watchers, { timeout: 90_000 }).toBe(0);
      await port.cancelRunningStatement();
      await sleeping;
    } finally {
      await port.close();
    }
  });

  it('a watcher sampled many times at once still opens one connection', async () => {
    const port = await connectPort(db.url);
    const watcher = port.progressWatcher();
    try {
      await Promise.all(Array.from({ length: 8 }, () => watcher.sample()));
      expect(await watchers()).toBe(1);
    } finally {
      await watcher.close();
      await port.close();
    }
    await expect.poll(watchers, { timeout: 90_000 }).toBe(0);
  });
});
