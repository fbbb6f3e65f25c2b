// `down` and `stamp` decided in-process on the in-memory port.
import { describe, expect, it } from 'vitest';
import { listMigrations } from '../../src/chain/migration-files.ts';
import { down } from '../../src/commands/down.ts';
import { stamp } from '../../src/commands/stamp.ts';
import { MemoryServer } from '../../src/database/memory-database.ts';
import { SchemaMismatch, UsageError } from '../../src/errors.ts';
import { SHIPPED_MIGRATIONS } from '../support/cli.ts';
import { expectedCatalogs, fileOf, files, memorySession } from '../support/memory-session.ts';

const [A, B, C] = files('001_a', '002_b', '003_c');
const SHIPPED = listMigrations(SHIPPED_MIGRATIONS);
const BASELINE = SHIPPED[0]!;

async function at(server: MemoryServer, applied = [A!, B!, C!]) {
  await memorySession(server, applied).database.stamp(applied);
  return server;
}
const ledgerOf = async (server: MemoryServer) => (await server.connect().readLedger()).applied.map((row) => row.name);
const checksumsOf = async (server: MemoryServer) =>
  (await server.connect().readLedger()).applied.map((row) => row.checksum);

describe('down on the in-memory port', () => {
  it('--count 1 reverts the newest migration and forgets its checksum', async () => {
    const server = await at(new MemoryServer());
    expect(await down(memorySession(server, [A!, B!, C!]), { count: 1 })).toEqual({
      reverted: ['003_c'],
      current: '002_b',
    });
    expect(await ledgerOf(server)).toEqual(['001_a', '002_b']);
    server.appendLedgerRow('public.pgmigrations', '003_c'); // applied again by node-pg-migrate: no stale checksum
    expect(await checksumsOf(server)).toEqual([A!.checksum, B!.checksum, null]);
  });

  it('--to reverts everything after the target', async () => {
    const server = await at(new MemoryServer());
    expect(await down(memorySession(server, [A!, B!, C!]), { to: '001_a' })).toEqual({
      reverted: ['003_c', '002_b'],
      current: '001_a',
    });
  });

  it('--to the current migration reverts nothing', async () => {
    const server = await at(new MemoryServer());
    expect(await down(memorySession(server, [A!, B!, C!]), { to: '003_c' })).toEqual({
      reverted: [],
      current: '003_c',
    });
  });

  it('refuses (2) to revert more migrations than are applied', async () => {
    const server = await at(new MemoryServer(), [A!]);
    const error = await down(memorySession(server, [A!, B!]), { count: 2 }).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(await ledgerOf(server)).toEqual(['001_a']);
  });

  it('refuses (2) --to a migration that is not applied', async () => {
    const server = await at(new MemoryServer(), [A!]);
    await expect(down(memorySession(server, [A!, B!]), { to: '002_b' })).rejects.toThrow(UsageError);
  });

  it('refuses (6) to revert a migration this image does not have', async () => {
    const server = await at(new MemoryServer());
    const error = await down(memorySession(server, [A!, B!]), { count: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(SchemaMismatch);
    expect(error.details).toEqual(['003_c was applied by a newer image; run down with that image']);
  });

  it('reverts below a migration the image lacks only when that one is not reverted', async () => {
    const server = await at(new MemoryServer());
    // 003_c is unknown but stays applied: reverting nothing below it is still refused as drift
    await expect(down(memorySession(server, [A!, B!]), { to: '002_b' })).rejects.toThrow(SchemaMismatch);
  });

  it('refuses (6) when an applied file changed', async () => {
    const server = await at(new MemoryServer());
    await expect(down(memorySession(server, [A!, fileOf('002_b', 'edited'), C!]), { count: 1 })).rejects.toMatchObject({
      exitCode: 6,
    });
    expect(await ledgerOf(server)).toEqual(['001_a', '002_b', '003_c']);
  });

  it('never goes below the baseline', async () => {
    const server = new MemoryServer();
    await memorySession(server, SHIPPED).database.stamp(SHIPPED);
    const error = await down(memorySession(server, SHIPPED), { count: SHIPPED.length }).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(
      `cannot revert ${SHIPPED.length} migrations: ${SHIPPED.length - 1} can be (${SHIPPED.length} applied, the baseline ${BASELINE.name} stays); use --count ${SHIPPED.length - 1}, or --to <migration>`,
    );
    expect(await down(memorySession(server, SHIPPED), { to: BASELINE.name })).toMatchObject({ current: BASELINE.name });
  });
});

describe('stamp on the in-memory port', () => {
  it('records pending migrations up to the target without running them', async () => {
    const server = new MemoryServer();
    const session = memorySession(server, [A!, B!, C!]);
    expect(await stamp(session, '002_b')).toEqual({ stamped: ['001_a', '002_b'] });
    expect(await checksumsOf(server)).toEqual([A!.checksum, B!.checksum]);
  });

  it('refuses (6) when an applied migration was edited since', async () => {
    const server = await at(new MemoryServer(), [A!]);
    const error = await stamp(memorySession(server, [fileOf('001_a', 'edited'), B!]), '002_b').catch((e) => e);
    expect(error).toBeInstanceOf(SchemaMismatch);
    expect(error.exitCode).toBe(6);
    expect(await ledgerOf(server)).toEqual(['001_a']);
  });

  it('refuses (6) when the database is ahead of the image', async () => {
    const server = await at(new MemoryServer(), [A!, fileOf('001_b')]);
    const error = await stamp(memorySession(server, [A!, C!]), '003_c').catch((e) => e);
    expect(error).toBeInstanceOf(SchemaMismatch);
    expect(error.message).toMatch(/^the database is ahead of these migrations/);
    expect(await ledgerOf(server)).toEqual(['001_a', '001_b']);
  });

  it('refuses (2) a migration that is not in the directory', async () => {
    const error = await stamp(memorySession(new MemoryServer(), [A!]), '009_z').catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
  });

  it('refuses (2) to stamp behind a migration already applied', async () => {
    const server = await at(new MemoryServer(), [A!, C!]);
    const error = await stamp(memorySession(server, [A!, B!, C!]), '002_b').catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(
      '003_c, after 002_b, is already applied; stamp only moves forward (use down to go back)',
    );
  });

  it('a target already applied stamps nothing', async () => {
    const server = await at(new MemoryServer(), [A!, B!]);
    expect(await stamp(memorySession(server, [A!, B!, C!]), '002_b')).toEqual({ stamped: [] });
  });

  it('refuses (6) to stamp migrations whose schema is not there, naming what is missing', async () => {
    const effects = { '001_a': (server: MemoryServer) => server.createTable('a', { id: 'integer' }) };
    const migrationsDir = await expectedCatalogs([A!, B!], effects);
    const server = new MemoryServer();
    const error = await stamp(memorySession(server, [A!, B!], { config: { migrationsDir } }), '001_a').catch((e) => e);
    expect(error).toBeInstanceOf(SchemaMismatch);
    expect(error.details).toContain('missing: table public.a');
    expect(await ledgerOf(server)).toEqual([]);
    effects['001_a'](server);
    expect(await stamp(memorySession(server, [A!, B!], { config: { migrationsDir } }), '001_a')).toEqual({
      stamped: ['001_a'],
    });
  });
});
