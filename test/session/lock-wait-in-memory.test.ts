// A runner that arrives while another holds the migration lock, decided
// in-process on the in-memory port: `up` waits and decides from the finished ledger,
// `verify` says a migration is in progress, `status` names the holder.
import { describe, expect, it } from 'vitest';
import { bringToHead as up } from '../../src/apply/bring-to-head.ts';
import { status, command as statusCommand } from '../../src/commands/status.ts';
import { verify, command as verifyCommand } from '../../src/commands/verify.ts';
import { MemoryServer } from '../../src/database/memory-database.ts';
import type { Database } from '../../src/database/port.ts';
import { SchemaMismatch } from '../../src/errors.ts';
import { pollPause } from '../../src/session/lock.ts';
import { files, memorySession } from '../support/memory-session.ts';

const [A, B, NEWER] = files('001_a', '002_b', '003_newer');
const LEDGER = 'public.pgmigrations';

/** The port calls a command makes, in order. */
function recording(database: Database): string[] {
  const calls: string[] = [];
  for (const method of ['lockHolder', 'readLedger', 'tryLock', 'vectorColumns', 'invalidIndexes'] as const) {
    const original = database[method].bind(database) as (...args: unknown[]) => unknown;
    (database as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      calls.push(method);
      return original(...args);
    };
  }
  return calls;
}

/** Tracks whether a promise has settled, without awaiting it. */
function watch<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  const tracked = promise.finally(() => (settled = true));
  tracked.catch(() => undefined); // awaited later; not an unhandled rejection meanwhile
  return { settled: () => settled, promise: tracked };
}

/** A database at 002_b whose lock another runner holds, as a newer image starting to migrate. */
async function migrating() {
  const server = new MemoryServer();
  const holder = memorySession(server, [A!, B!, NEWER!]);
  await holder.database.stamp([A!, B!]);
  expect(await holder.database.tryLock()).toBe(true);
  return { server, holder };
}

describe('up while another runner holds the lock', () => {
  it('at head, the fast path reads the lock before the ledger (one more query, no lock taken)', async () => {
    const server = new MemoryServer();
    await memorySession(server, [A!, B!]).database.stamp([A!, B!]);
    const session = memorySession(server, [A!, B!]);
    const calls = recording(session.database);
    await up(session, { allowOutOfOrder: false });
    expect(calls).toEqual(['lockHolder', 'readLedger', 'vectorColumns']);
  });

  it('an older image waits through the newer migration, then refuses (6) naming it', async () => {
    const { server, holder } = await migrating();
    const older = memorySession(server, [A!, B!]);
    const calls = recording(older.database);
    const waiting = watch(up(older, { allowOutOfOrder: false }));
    // without the lock check it would have said "up to date" here, from the ledger at 002_b
    await expect.poll(() => calls.filter((c) => c === 'tryLock').length, { timeout: 20_000 }).toBeGreaterThan(1);
    server.appendLedgerRow(LEDGER, NEWER!.name); // the holder's migration commits...
    const seen = calls.filter((c) => c === 'tryLock').length;
    await expect.poll(() => calls.filter((c) => c === 'tryLock').length, { timeout: 20_000 }).toBeGreaterThan(seen + 1);
    expect(waiting.settled()).toBe(false); // ...but the holder is not done until it lets go
    await holder.database.unlock();
    const error = await waiting.promise.catch((e) => e);
    expect(error).toBeInstanceOf(SchemaMismatch);
    expect(error.exitCode).toBe(6);
    expect(error.message).toMatch(/^the database is ahead of these migrations/);
    expect(error.details).toEqual([expect.stringContaining('003_newer: applied on')]);
    expect(older.logs.some((line) => line.msg.startsWith('another runner holds the migration lock'))).toBe(true);
  });

  it('the same image waits, then finds nothing to do (0)', async () => {
    const { server, holder } = await migrating();
    const same = memorySession(server, [A!, B!, NEWER!]);
    const calls = recording(same.database);
    const waiting = watch(up(same, { allowOutOfOrder: false }));
    await expect.poll(() => calls.filter((c) => c === 'tryLock').length, { timeout: 20_000 }).toBeGreaterThan(1);
    await holder.database.recordChecksums([NEWER!]);
    server.appendLedgerRow(LEDGER, NEWER!.name);
    const seen = calls.filter((c) => c === 'tryLock').length;
    await expect.poll(() => calls.filter((c) => c === 'tryLock').length, { timeout: 20_000 }).toBeGreaterThan(seen + 1);
    expect(waiting.settled()).toBe(false);
    await holder.database.unlock();
    expect(await waiting.promise).toEqual({ applied: [], stamped: [], checksums_recorded: [], head: '003_newer' });
  });
});

describe('verify and status while another runner holds the lock', () => {
  it('verify says a migration is in progress (7), naming the holder, and reads nothing else', async () => {
    const { server, holder } = await migrating();
    const session = memorySession(server, [A!, B!]); // at head for this image: "ok" without the lock check
    const calls = recording(session.database);
    const result = await verify(session);
    expect(calls).toEqual(['lockHolder']);
    expect(result).toMatchObject({
      ok: false,
      in_progress: { pid: holder.database.pid },
      schema: { skipped: 'a migration is in progress' },
    });
    const failure = verifyCommand.failure!(result)!;
    expect(failure.exitCode).toBe(7);
    expect(failure.message).toBe(
      `a migration is in progress: pid ${holder.database.pid} (mnemolite-migrate) over a local socket, connected since ${result.in_progress!.since!.toISOString()} holds the migration lock`,
    );

    await holder.database.unlock();
    const after = await verify(memorySession(server, [A!, B!]));
    expect(after).toMatchObject({ ok: true, in_progress: null });
    expect(verifyCommand.failure!(after)).toBeUndefined();
  });

  it('status names the holder in its result and text', async () => {
    const { server, holder } = await migrating();
    const result = await status(memorySession(server, [A!, B!, NEWER!]));
    expect(result.lock_holder).toMatchObject({ pid: holder.database.pid, application_name: 'mnemolite-migrate' });
    expect(statusCommand.format(result, { json: false })).toContain(
      `migration lock: held by pid ${holder.database.pid} (mnemolite-migrate)`,
    );
    expect(JSON.parse(statusCommand.format(result, { json: true })).lock_holder.pid).toBe(holder.database.pid);

    await holder.database.unlock();
    const free = await status(memorySession(server, [A!, B!, NEWER!]));
    expect(free.lock_holder).toBeNull();
    expect(statusCommand.format(free, { json: false })).toContain('migration lock: free');
  });
});

describe('how often a waiter polls', () => {
  it('about a tenth of the time waited so far: at most 250 ms in the first seconds, 2 s at most', () => {
    const range = (attempt: number, waitedMs: number) => {
      const pauses = Array.from({ length: 200 }, () => pollPause(attempt, waitedMs));
      return [Math.min(...pauses), Math.max(...pauses)];
    };
    const within = ([low, high]: number[], min: number, max: number) => low! >= min && high! <= max;
    expect(within(range(0, 0), 12, 25)).toBe(true); // the first retry is quick whatever the wait
    expect(within(range(20, 1000), 125, 250)).toBe(true);
    expect(within(range(20, 10_000), 500, 1000)).toBe(true);
    expect(within(range(20, 300_000), 1000, 2000)).toBe(true);
  });
});
