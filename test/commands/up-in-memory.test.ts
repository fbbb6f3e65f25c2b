// `up` decided in-process on the in-memory port: what it applies, stamps,
// records and refuses, and how it behaves beside another runner.
import { describe, expect, it } from 'vitest';
import { bringToHead as up } from '../../src/apply/bring-to-head.ts';
import { MemoryServer } from '../../src/database/memory-database.ts';
import type { Database } from '../../src/database/port.ts';
import { Interrupted, LockTimeout, MigrationFailed, SchemaMismatch } from '../../src/errors.ts';
import { SignalWatch } from '../../src/signals.ts';
import { fileOf, files, memorySession } from '../support/memory-session.ts';

const [A, B, C] = files('001_a', '002_b', '003_c');
const LEDGER = 'public.pgmigrations';

/** Counts the port calls a command makes. */
function counting(database: Database): Map<string, number> {
  const calls = new Map<string, number>();
  for (const method of [
    'readLedger',
    'tryLock',
    'stamp',
    'recordChecksums',
    'vectorColumns',
    'invalidIndexes',
  ] as const) {
    const original = database[method].bind(database) as (...args: unknown[]) => unknown;
    (database as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      calls.set(method, (calls.get(method) ?? 0) + 1);
      return original(...args);
    };
  }
  return calls;
}

const names = async (database: Database) =>
  (await database.readLedger()).applied.map((row) => ({ name: row.name, checksum: row.checksum }));

describe('up on the in-memory port', () => {
  it('on an empty database applies every migration and records their checksums', async () => {
    const session = memorySession(new MemoryServer(), [A!, B!, C!]);
    const result = await up(session, { allowOutOfOrder: false });
    expect(result).toEqual({
      applied: ['001_a', '002_b', '003_c'],
      stamped: [],
      checksums_recorded: [],
      head: '003_c',
    });
    expect(await names(session.database)).toEqual([A, B, C].map((f) => ({ name: f!.name, checksum: f!.checksum })));
  });

  it('at head does nothing, with one ledger read and no lock', async () => {
    const server = new MemoryServer();
    await memorySession(server, [A!, B!]).database.stamp([A!, B!]);
    const session = memorySession(server, [A!, B!]);
    const calls = counting(session.database);
    expect(await up(session, { allowOutOfOrder: false })).toEqual({
      applied: [],
      stamped: [],
      checksums_recorded: [],
      head: '002_b',
    });
    expect(Object.fromEntries(calls)).toEqual({ readLedger: 1, vectorColumns: 1 });
  });

  it('with pending migrations applies only those', async () => {
    const server = new MemoryServer();
    await memorySession(server, [A!]).database.stamp([A!]);
    const result = await up(memorySession(server, [A!, B!, C!]), { allowOutOfOrder: false });
    expect(result.applied).toEqual(['002_b', '003_c']);
  });

  it('refuses (6) when an applied file changed, and applies nothing', async () => {
    const server = new MemoryServer();
    await memorySession(server, [A!]).database.stamp([A!]);
    const edited = fileOf('001_a', 'edited');
    const session = memorySession(server, [edited, B!]);
    const error = await up(session, { allowOutOfOrder: false }).catch((e) => e);
    expect(error).toBeInstanceOf(SchemaMismatch);
    expect(error.exitCode).toBe(6);
    expect(error.details[0]).toContain('001_a: applied, but');
    expect((await session.database.readLedger()).applied.map((r) => r.name)).toEqual(['001_a']);
  });

  it('takes a former checksum of a rewritten file as applied, and records the new one', async () => {
    const server = new MemoryServer();
    await memorySession(server, [A!]).database.stamp([A!]);
    const rewritten = { ...fileOf('001_a', 'rewritten, same effect'), formerChecksums: [A!.checksum] };
    const session = memorySession(server, [rewritten, B!]);
    const result = await up(session, { allowOutOfOrder: false });
    expect(result.applied).toEqual(['002_b']);
    expect(result.checksums_recorded).toEqual(['001_a']);
    const recorded = (await session.database.readLedger()).applied.find((row) => row.name === '001_a');
    expect(recorded?.checksum).toBe(rewritten.checksum);
  });

  it('refuses (6) when the database is ahead of the image', async () => {
    const server = new MemoryServer();
    await memorySession(server, [A!, B!]).database.stamp([A!, B!]);
    const error = await up(memorySession(server, [A!]), { allowOutOfOrder: false }).catch((e) => e);
    expect(error).toBeInstanceOf(SchemaMismatch);
    expect(error.message).toMatch(/^the database is ahead of these migrations/);
    expect(error.details).toEqual([expect.stringContaining('002_b: applied on')]);
  });

  it('refuses (6) a pending migration that sorts before applied ones, unless allowed', async () => {
    const server = new MemoryServer();
    // applied at different times (branches merged): not a set adoption stamped together
    await memorySession(server, [A!, C!]).database.stamp([A!]);
    await memorySession(server, [A!, C!]).database.stamp([C!]);
    const error = await up(memorySession(server, [A!, B!, C!]), { allowOutOfOrder: false }).catch((e) => e);
    expect(error).toBeInstanceOf(SchemaMismatch);
    expect(error.details[0]).toBe('002_b is not applied, but a later migration is');
    const allowed = await up(memorySession(server, [A!, B!, C!]), { allowOutOfOrder: true });
    expect(allowed.applied).toEqual(['002_b']);
  });

  it('applies a pending migration that sorts before ones adoption stamped together (a rerun after a failure)', async () => {
    const server = new MemoryServer();
    await memorySession(server, [A!, C!]).database.stamp([A!, C!]);
    expect((await up(memorySession(server, [A!, B!, C!]), { allowOutOfOrder: false })).applied).toEqual(['002_b']);
  });

  it('records the checksums of migrations node-pg-migrate applied before checksums were kept', async () => {
    const server = new MemoryServer();
    server.appendLedgerRow(LEDGER, '001_a');
    server.appendLedgerRow(LEDGER, '002_b');
    const session = memorySession(server, [A!, B!]);
    const result = await up(session, { allowOutOfOrder: false });
    expect(result).toMatchObject({ applied: [], checksums_recorded: ['001_a', '002_b'] });
    expect((await session.database.readLedger()).applied.map((r) => r.checksum)).toEqual([A!.checksum, B!.checksum]);
  });

  it('refuses (6) vector columns of another size than EMBEDDING_DIMENSION, also at head', async () => {
    const server = new MemoryServer();
    server.createTable('events', { embedding: 'vector(384)' });
    await memorySession(server, [A!]).database.stamp([A!]);
    const error = await up(memorySession(server, [A!]), { allowOutOfOrder: false }).catch((e) => e);
    expect(error).toBeInstanceOf(SchemaMismatch);
    expect(error.message).toBe('1 vector column does not have EMBEDDING_DIMENSION = 768');
    expect(error.details).toEqual([
      'public.events.embedding has 384 dimensions',
      expect.stringContaining('set EMBEDDING_DIMENSION to the size of these columns'),
    ]);
  });

  it('checks vector sizes after applying: a migration that makes a wrong one fails the run (6)', async () => {
    const session = memorySession(new MemoryServer(), [A!], {
      effects: { '001_a': (s) => s.createTable('t', { v: 'vector(3)' }) },
    });
    await expect(up(session, { allowOutOfOrder: false })).rejects.toMatchObject({ exitCode: 6 });
  });

  it('a failed migration fails the run (1) and keeps the checksums of those applied before it', async () => {
    const session = memorySession(new MemoryServer(), [A!, B!, C!], {
      effects: {
        '002_b': () => {
          throw new Error('syntax error');
        },
      },
    });
    const error = await up(session, { allowOutOfOrder: false }).catch((e) => e);
    expect(error).toBeInstanceOf(MigrationFailed);
    expect(error.exitCode).toBe(1);
    expect(await names(session.database)).toEqual([{ name: '001_a', checksum: A!.checksum }]);
    expect(await session.database.lockHolder()).toBeUndefined();
  });

  it('a lock waiter finds nothing to do once the holder has brought the ledger to head and let go', async () => {
    const server = new MemoryServer();
    const holder = memorySession(server, [A!, B!]);
    expect(await holder.database.tryLock()).toBe(true);
    const waiter = memorySession(server, [A!, B!]);
    const calls = counting(waiter.database);
    const waiting = up(waiter, { allowOutOfOrder: false });
    await expect.poll(() => calls.get('tryLock') ?? 0, { timeout: 20_000 }).toBeGreaterThan(1); // it is waiting
    await holder.database.stamp([A!, B!]);
    await holder.database.unlock(); // not before: the holder may still be applying what this image lacks (test/session/lock-wait-in-memory.test.ts)
    expect(await waiting).toEqual({ applied: [], stamped: [], checksums_recorded: [], head: '002_b' });
    expect(waiter.logs.some((line) => line.msg.startsWith('another runner holds the migration lock'))).toBe(true);
  });

  it('a lock waiter does the work when the holder leaves it undone', async () => {
    const server = new MemoryServer();
    const holder = memorySession(server, [A!, B!]);
    expect(await holder.database.tryLock()).toBe(true);
    const waiter = memorySession(server, [A!, B!]);
    const calls = counting(waiter.database);
    const waiting = up(waiter, { allowOutOfOrder: false });
    await expect.poll(() => calls.get('tryLock') ?? 0, { timeout: 20_000 }).toBeGreaterThan(1);
    await holder.database.close();
    expect((await waiting).applied).toEqual(['001_a', '002_b']);
  });

  it('gives up (5) after MIGRATE_LOCK_TIMEOUT, naming the holder', async () => {
    const server = new MemoryServer();
    const holder = memorySession(server, [A!]);
    await holder.database.tryLock();
    const error = await up(memorySession(server, [A!], { config: { lockTimeoutMs: 100 } }), {
      allowOutOfOrder: false,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(LockTimeout);
    expect(error.exitCode).toBe(5);
    expect(error.message).toContain(`held by pid ${holder.database.pid} (mnemolite-migrate)`);
  });

  it('stops (143) when SIGTERM arrives while it waits for the lock', async () => {
    const server = new MemoryServer();
    await memorySession(server, [A!]).database.tryLock();
    const signals = new SignalWatch();
    signals.received = 'SIGTERM';
    const error = await up(memorySession(server, [A!], { signals }), { allowOutOfOrder: false }).catch((e) => e);
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.exitCode).toBe(143);
    expect(error.message).toBe('stopped by SIGTERM while waiting for the migration lock');
  });

  it('keeps its ledger in MIGRATIONS_TABLE: another table is another history and another lock', async () => {
    const server = new MemoryServer();
    const first = memorySession(server, [A!]);
    await first.database.stamp([A!]);
    expect(await first.database.tryLock()).toBe(true);
    const other = memorySession(server, [A!], { config: { migrationsTable: 'other_migrations' } });
    expect((await up(other, { allowOutOfOrder: false })).applied).toEqual(['001_a']);
    expect(other.database.ledgerName).toBe('public.other_migrations');
  });
});
