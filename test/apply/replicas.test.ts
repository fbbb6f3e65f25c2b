// The replica lag bound on a real primary and streaming replica: with the replica's replay paused
// (pg_wal_replay_pause), a backfill stops within one batch of the bound and stays stopped, an index
// build does not start; after pg_wal_replay_resume both finish. Nothing is timed by the test: it
// reads the rows, the replica's position and the runner's own reports.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli.ts';
import { freshDatabase } from '../support/database.ts';
import { migrationsDir } from '../support/migrations-dir.ts';
import { connectPort } from '../support/postgres-port.ts';
import { type ReplicatedPostgres, startPrimaryWithReplica } from '../support/replicated-postgres.ts';

let pair: ReplicatedPostgres;
beforeAll(async () => {
  pair = await startPrimaryWithReplica();
}, 180_000);
afterAll(() => pair?.stop());

const BOUND_S = 1;
const FILL = '20270102000000000_items_fill';

/**
 * A table of `rows` rows and a backfill of it, pending, made by the role of `url`. Each row costs a millisecond to fill (pg_sleep in the
 * trigger, as a wide row's copy would), so batches of about 250 rows take a quarter second each and the whole
 * backfill several seconds. The trigger counts each row's fills and notes its batch (the statement's start)
 * and when the row itself was filled.
 */
async function itemsToFill(url: string, rows: number): Promise<string> {
  const dir = migrationsDir(
    {
      '20270101000000000_items.sql': `-- Up Migration
create table items (id int primary key, src int not null, dst int, fills int not null default 0,
                    batch_at timestamptz, filled_at timestamptz);
insert into items (id, src) select i, i * 7 from generate_series(1, ${rows}) i;
create function items_fill() returns trigger language plpgsql as $$
begin
  new.fills := old.fills + 1;
  new.batch_at := now();
  new.filled_at := clock_timestamp();
  perform pg_sleep(0.001);
  return new;
end $$;
create trigger items_fill before update on items for each row execute function items_fill();
`,
    },
    { shipped: false },
  );
  const table = await runCli(['up'], { DATABASE_URL: url, MIGRATIONS_DIR: dir });
  if (table.code !== 0) throw new Error(`the items table was not created:\n${table.stderr}`);
  writeFileSync(
    join(dir, `${FILL}.ts`),
    "export const backfill = [{ table: 'items', key: 'id', set: 'dst = src', pending: 'dst IS NULL' }];\n" +
      'export function down() {}\n',
  );
  return dir;
}

/** The runner, its stderr as it comes. */
function start(env: Record<string, string>) {
  const run = startCli(['up'], { MIGRATE_PROGRESS_INTERVAL: '0.2', ...env });
  let stderr = '';
  run.child.stderr!.on('data', (chunk) => (stderr += chunk));
  return { ...run, stderr: () => stderr };
}

const FILLED = 'select count(dst)::int as n from items';
const count = async (rows: Promise<Record<string, unknown>[]>) => (await rows)[0]!.n as number;

describe('the replica lag bound, with the replica paused', () => {
  it('a backfill stops within one batch of the bound and stays stopped; after resume it finishes, each row filled once', {
    timeout: 240_000,
  }, async () => {
    const ROWS = 6000;
    const db = await freshDatabase(pair.primary.url());
    const dir = await itemsToFill(db.url, ROWS);
    await pair.replica.caughtUp();
    const onReplica = (sql: string) => pair.replica.query(sql, db.name);
    const run = start({
      DATABASE_URL: db.url,
      MIGRATIONS_DIR: dir,
      MIGRATE_MAX_REPLICA_LAG: String(BOUND_S),
      // the wait is no statement: it outlasts this
      MIGRATE_STATEMENT_TIMEOUT: '1',
    });
    await expect.poll(() => count(db.query(FILLED)), { timeout: 60_000, interval: 20 }).toBeGreaterThan(0);
    await pair.replica.pause();
    // a wait reported from here on cannot end while replay is paused (one before the pause may have)
    const mark = run.stderr().length;
    const since = () => run.stderr().slice(mark);
    const heartbeat = (rows: string, waited: string) =>
      new RegExp(
        `still running ${FILL}: .*rows ${rows}/${ROWS} .*waiting before the next batch of items for replica ${pair.replica.name} \\(.*\\), [\\d.]+ s behind \\(.* of WAL not replayed\\): waited ${waited} s`,
      );
    await expect.poll(since, { timeout: 60_000, interval: 50 }).toMatch(heartbeat('\\d+', '[\\d.]+'));
    const stoppedAt = await count(db.query(FILLED));
    expect(stoppedAt).toBeLessThan(ROWS);
    expect(run.stderr()).toMatch(
      new RegExp(
        `replica ${pair.replica.name} \\(.*\\) is [\\d.]+ s behind \\(.* of WAL not replayed\\), beyond MIGRATE_MAX_REPLICA_LAG \\(1\\.0 s\\): waiting before the next batch of items`,
      ),
    );
    // the heartbeat names the replica, how far behind and for how long it waited; 2 s on, still nothing filled
    await expect
      .poll(since, { timeout: 60_000, interval: 50 })
      .toMatch(heartbeat(String(stoppedAt), '(?:[2-9]\\.\\d|\\d{2,})'));
    expect(await count(db.query(FILLED))).toBe(stoppedAt);

    // the first batch the replica lacks, and the moment its last row was filled: the latest the bound was crossed
    const [{ ids }] = (await onReplica(
      `select coalesce(array_agg(id), '{}') as ids from items where dst is not null`,
    )) as [{ ids: number[] }];
    const [first] = await db.query<{ crossed: Date }>(
      `select max(filled_at) + interval '${BOUND_S} s' as crossed from items
        where batch_at = (select min(batch_at) from items where dst is not null and not (id = any($1::int[])))`,
      [ids],
    );
    expect(first!.crossed).toBeInstanceOf(Date);
    // no batch began after it but the one under way
    const later = db.query('select count(distinct batch_at)::int as n from items where batch_at > $1', [
      first!.crossed,
    ]);
    expect(await count(later)).toBeLessThanOrEqual(1);

    await pair.replica.resume();
    const done = await run.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(
      new RegExp(
        `replica ${pair.replica.name} \\(.*\\) (has caught up|is .*, within MIGRATE_MAX_REPLICA_LAG \\(1\\.0 s\\)) after a wait of`,
      ),
    );
    expect(done.stderr).toContain(`filled ${ROWS} rows of items`);
    expect(await db.query('select fills, count(*)::int as n from items group by 1')).toEqual([{ fills: 1, n: ROWS }]);
    await pair.replica.caughtUp();
    expect(await count(onReplica(FILLED))).toBe(ROWS);
  });

  it('an index build does not start while the replica is beyond the bound, in a transaction or not; after resume it is built', {
    timeout: 240_000,
  }, async () => {
    const db = await freshDatabase(pair.primary.url());
    const dir = migrationsDir(
      {
        '20270101000000000_t.sql':
          '-- Up Migration\ncreate table t (id int, v int, w int);\ninsert into t select i, i, i from generate_series(1, 1000) i;\n',
      },
      { shipped: false },
    );
    expect((await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })).code).toBe(0);
    const migrations = [
      [
        '20270102000000000_t_v.ts',
        "export function up(pgm) {\n  pgm.noTransaction();\n  pgm.sql('DROP INDEX CONCURRENTLY IF EXISTS t_v');\n  pgm.sql('CREATE INDEX CONCURRENTLY t_v ON t (v)');\n}\n",
      ],
      // in a transaction the wait comes before its BEGIN: waiting inside would hold the table's lock
      ['20270103000000000_t_w.sql', '-- Up Migration\nlock table t in share mode;\ncreate index t_w on t (w);\n'],
    ] as const;
    for (const [file, content] of migrations) {
      await pair.replica.caughtUp();
      await pair.replica.pause();
      // WAL the replica lacks, until PostgreSQL itself sees it further behind than the bound
      await db.query('update t set id = id');
      await expect
        .poll(
          () =>
            pair.primary.query(
              `select replay_lag > interval '${BOUND_S * 1.5} s' as behind from pg_stat_replication where application_name = '${pair.replica.name}'`,
            ),
          { timeout: 60_000, interval: 100 },
        )
        .toEqual([{ behind: true }]);
      writeFileSync(join(dir, file), content);
      const index = file.slice(18, 21);
      const run = start({ DATABASE_URL: db.url, MIGRATIONS_DIR: dir, MIGRATE_MAX_REPLICA_LAG: String(BOUND_S) });
      await expect
        .poll(run.stderr, { timeout: 60_000, interval: 50 })
        .toMatch(
          new RegExp(
            `waiting before the index build on public\\.t for replica ${pair.replica.name} .*: waited (?:[2-9]\\.\\d|\\d{2,}) s`,
          ),
        );
      expect(await db.query(`select count(*)::int as n from pg_class where relname = '${index}'`)).toEqual([{ n: 0 }]);
      // the runner waits outside any transaction, holding no lock on the table
      expect(
        await db.query(
          `select state from pg_stat_activity where application_name = 'mnemolite-migrate' and state like 'idle in transaction%'`,
        ),
      ).toEqual([]);
      expect(await db.query(`select count(*)::int as n from pg_locks where relation = 't'::regclass`)).toEqual([
        { n: 0 },
      ]);
      await pair.replica.resume();
      const done = await run.done;
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr).toMatch(/after a wait of [\d.]+ s: going on with the index build on public\.t/);
      expect(
        await db.query(
          `select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = '${index}'`,
        ),
      ).toEqual([{ valid: true }]);
    }
  });

  it('a role that may not read pg_stat_replication (no pg_monitor): one warning, no bound, the backfill done', {
    timeout: 240_000,
  }, async () => {
    const ROWS = 1000;
    const db = await freshDatabase(pair.primary.url());
    await db.query(`create role app_${db.name} login password '${db.name}-secret'`);
    await db.query(`alter database ${db.name} owner to app_${db.name}`);
    const url = new URL(db.url);
    url.username = `app_${db.name}`;
    url.password = `${db.name}-secret`; // a password is redacted wherever it shows
    const dir = await itemsToFill(url.href, ROWS);
    // what the port reads as this role, and with pg_monitor
    const replication = async () => {
      const port = await connectPort(url.href);
      try {
        return await port.replication();
      } finally {
        await port.close();
      }
    };
    expect(await replication()).toMatchObject({ hidden: 1, replicas: [], role: `app_${db.name}` });
    await db.query(`grant pg_monitor to app_${db.name}`);
    expect(await replication()).toMatchObject({
      hidden: 0,
      replicas: [{ name: expect.stringMatching(new RegExp(`^${pair.replica.name} \\(\\d+\\.\\d+\\.\\d+\\.\\d+\\)$`)) }],
    });
    await db.query(`revoke pg_monitor from app_${db.name}`);
    await pair.replica.caughtUp();
    await pair.replica.pause();
    try {
      const done = await start({
        DATABASE_URL: url.href,
        MIGRATIONS_DIR: dir,
        MIGRATE_MAX_REPLICA_LAG: String(BOUND_S),
      }).done;
      expect(done.code, done.stderr).toBe(0);
      const warning = `warn: role app_${db.name} may not read the positions of a replica in pg_stat_replication: MIGRATE_MAX_REPLICA_LAG does not hold for this run; GRANT pg_monitor TO app_${db.name} to bound their lag`;
      expect(done.stderr.split('\n').filter((line) => line.startsWith(warning))).toHaveLength(1);
      expect(done.stderr).not.toContain('waiting before');
      expect(await db.query('select fills, count(*)::int as n from items group by 1')).toEqual([{ fills: 1, n: ROWS }]);
    } finally {
      await pair.replica.resume();
    }
  });

  it('SIGTERM while it waits: 143, the rows filled stay, and the rerun fills the rest, each row once', {
    timeout: 240_000,
  }, async () => {
    const ROWS = 3000;
    const db = await freshDatabase(pair.primary.url());
    const dir = await itemsToFill(db.url, ROWS);
    await pair.replica.caughtUp();
    await pair.replica.pause();
    const run = start({ DATABASE_URL: db.url, MIGRATIONS_DIR: dir, MIGRATE_MAX_REPLICA_LAG: String(BOUND_S) });
    await expect.poll(run.stderr, { timeout: 60_000, interval: 50 }).toMatch(/waiting before the next batch of items/);
    const stoppedAt = await count(db.query(FILLED));
    run.child.kill('SIGTERM');
    const done = await run.done;
    expect(done.code, done.stderr).toBe(143);
    expect(done.stderr).toContain(
      `stopped by SIGTERM during ${FILL}, with ${stoppedAt} of ${ROWS} rows of items filled; the filled rows stay`,
    );
    expect(await count(db.query(FILLED))).toBe(stoppedAt);
    await pair.replica.resume();
    const rerun = await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`filled ${ROWS - stoppedAt} rows of items`);
    expect(await db.query('select fills, count(*)::int as n from items group by 1')).toEqual([{ fills: 1, n: ROWS }]);
  });

  it('a replica that disconnects stops counting, with a warning, and the backfill goes on', {
    timeout: 240_000,
  }, async () => {
    const ROWS = 3000;
    const db = await freshDatabase(pair.primary.url());
    const dir = await itemsToFill(db.url, ROWS);
    const second = await pair.addReplica('replica2');
    await second.caughtUp();
    await second.pause();
    const run = start({ DATABASE_URL: db.url, MIGRATIONS_DIR: dir, MIGRATE_MAX_REPLICA_LAG: String(BOUND_S) });
    await expect
      .poll(run.stderr, { timeout: 60_000, interval: 50 })
      .toMatch(/replica replica2 \(.*\) is .* behind .*: waiting before the next batch of items/);
    await second.kill();
    const done = await run.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(
      /warn: replica replica2 \(.*\) is no longer connected to the primary: it stops counting for MIGRATE_MAX_REPLICA_LAG/,
    );
    expect(await db.query('select fills, count(*)::int as n from items group by 1')).toEqual([{ fills: 1, n: ROWS }]);
  });
});
