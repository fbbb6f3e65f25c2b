// The wait for lagging replicas on the in-memory port, whose clock moves a second with each reading:
// when it waits, what it says, a replica that goes away, a role that may not read them, a stop signal.
// test/apply/replicas.test.ts runs the same on a real primary and replica.
import { describe, expect, it } from 'vitest';
import { runBackfills } from '../../src/apply/backfill.ts';
import { ReplicaThrottle, type ReplicaWait } from '../../src/apply/replica-throttle.ts';
import { MemoryServer } from '../../src/database/memory-database.ts';
import { Interrupted } from '../../src/errors.ts';
import { createLogger } from '../../src/log.ts';
import { SignalWatch } from '../../src/signals.ts';

const REPLICA = 'replica1 (10.0.0.2)';

function setUp(boundMs: number, onWait: (wait: ReplicaWait, waits: number, server: MemoryServer) => void = () => {}) {
  const server = new MemoryServer();
  const logs: { level: string; msg: string; replica?: string }[] = [];
  const log = createLogger({ format: 'json', level: 'debug' }, (line) => logs.push(JSON.parse(line)));
  const signals = new SignalWatch();
  const followed: (ReplicaWait | undefined)[] = [];
  const database = server.connect();
  const throttle = new ReplicaThrottle(database, {
    boundMs,
    log,
    signals,
    follow: (wait) => {
      followed.push(wait && { ...wait });
      if (wait) onWait(wait, followed.length, server);
    },
  });
  return { server, database, logs, signals, followed, throttle };
}

describe('waiting for replicas', () => {
  it('goes on at once while every replica is within the bound', async () => {
    const { server, throttle, logs, followed } = setUp(400);
    server.walWritten = 1000;
    server.replicas.push({ name: REPLICA, replayed: 1000 });
    await throttle.wait('the next batch of t', '001_fill');
    expect(followed).toEqual([]);
    expect(logs).toEqual([]);
  });

  it('waits while one is beyond it, saying which, how far behind, and for how long; goes on once it caught up', async () => {
    const { server, throttle, logs, followed } = setUp(400, (_, waits, s) => {
      if (waits === 3) s.replicas[0]!.replayed = s.walWritten;
    });
    server.replicas.push({ name: REPLICA, replayed: 0 });
    await throttle.wait('the next batch of t', '001_fill'); // the first reading: nothing written yet
    server.walWritten = 4096;
    await throttle.wait('the next batch of t', '001_fill');
    expect(
      followed.map((wait) => wait && { replica: wait.replica, lagMs: wait.lagMs, bytes: wait.behindBytes }),
    ).toEqual([
      { replica: REPLICA, lagMs: 1000, bytes: 4096 },
      { replica: REPLICA, lagMs: 2000, bytes: 4096 },
      { replica: REPLICA, lagMs: 3000, bytes: 4096 },
      undefined,
    ]);
    expect(logs.map(({ level, msg }) => `${level}: ${msg}`)).toEqual([
      `info: replica ${REPLICA} is 1.0 s behind (4 kB of WAL not replayed), beyond MIGRATE_MAX_REPLICA_LAG (0.4 s): waiting before the next batch of t`,
      expect.stringMatching(
        new RegExp(
          `^info: replica ${REPLICA.replace(/[()]/g, '\\$&')} has caught up after a wait of 0\\.\\d s: going on with the next batch of t$`,
        ),
      ),
    ]);
  });

  it('stops counting a replica that disconnects, with a warning', async () => {
    const { server, throttle, logs } = setUp(400, (_, waits, s) => {
      if (waits === 2) s.replicas.splice(0);
    });
    server.replicas.push({ name: REPLICA, replayed: 0 });
    await throttle.wait('the index build on public.t', '002_index');
    server.walWritten = 4096;
    await throttle.wait('the index build on public.t', '002_index');
    expect(logs.slice(1).map(({ level, msg }) => `${level}: ${msg}`)).toEqual([
      `warn: replica ${REPLICA} is no longer connected to the primary: it stops counting for MIGRATE_MAX_REPLICA_LAG`,
      expect.stringMatching(
        /^info: no replica is beyond MIGRATE_MAX_REPLICA_LAG \(0\.4 s\) after a wait of .* going on with the index build on public\.t$/,
      ),
    ]);
  });

  it('warns once and waits for nothing when this role may not read the replicas', async () => {
    const { server, throttle, logs, followed } = setUp(400);
    server.replicas.push({ name: REPLICA, replayed: 0, hidden: true }, { name: 'replica2 (10.0.0.3)', replayed: 0 });
    server.walWritten = 1 << 30;
    for (let i = 0; i < 3; i++) await throttle.wait('the next batch of t', '001_fill');
    expect(followed).toEqual([]);
    expect(logs.map(({ level, msg }) => `${level}: ${msg}`)).toEqual([
      'warn: role memory may not read the positions of a replica in pg_stat_replication: MIGRATE_MAX_REPLICA_LAG does not hold for this run; GRANT pg_monitor TO memory to bound their lag',
    ]);
  });

  it('reads nothing when the bound is 0', async () => {
    const { server, throttle, logs, followed } = setUp(0);
    server.replicas.push({ name: REPLICA, replayed: 0 });
    const clock = server.now().valueOf();
    server.walWritten = 1 << 30;
    await throttle.wait('the next batch of t', '001_fill');
    expect(server.now().valueOf() - clock).toBe(1000); // no reading in between moved it
    expect([followed, logs]).toEqual([[], []]);
  });

  it('ends when a stop signal arrives, without saying it went on', async () => {
    const { server, throttle, logs, followed, signals } = setUp(400, () => {
      signals.received = 'SIGTERM';
    });
    server.replicas.push({ name: REPLICA, replayed: 0 });
    await throttle.wait('the next batch of t', '001_fill');
    server.walWritten = 4096;
    await throttle.wait('the next batch of t', '001_fill');
    expect(followed.at(-1)).toBeUndefined();
    expect(logs).toHaveLength(1);
  });

  it('in a backfill: SIGTERM during the wait stops it (143), the rows filled before stay filled', async () => {
    const { server, database, throttle, logs, signals } = setUp(400, () => {
      signals.received = 'SIGTERM';
    });
    server.createTable('t', { id: 'integer', a: 'integer', b: 'integer' });
    server.insertRows(
      't',
      Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, a: i + 1, b: null })),
    );
    server.replicas.push({ name: REPLICA, replayed: 0 });
    const log = createLogger({ format: 'json', level: 'debug' }, (line) => logs.push(JSON.parse(line)));
    const error = await runBackfills([{ table: 't', key: 'id', set: 'b = a', pending: 'b IS NULL' }], {
      database,
      log,
      signals,
      migration: '001_fill',
      replicas: throttle,
      follow: () => undefined,
      noting: () => undefined,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Interrupted);
    expect((error as Interrupted).exitCode).toBe(143);
    expect((error as Interrupted).message).toMatch(
      /^stopped by SIGTERM during 001_fill, with 100 of 1000 rows of t filled; /,
    );
    expect(server.tableRows('t').filter((row) => row.b !== null)).toHaveLength(100);
    expect(logs.find((line) => line.replica === REPLICA)?.msg).toContain('waiting before the next batch of t');
  });
});
