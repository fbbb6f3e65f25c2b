// `verify`, `status`, `repair`, `history` and adoption decided in-process on the in-memory port.
import { describe, expect, it } from 'vitest';
import { currentCommand, historyCommand } from '../../src/commands/history.ts';
import { repair } from '../../src/commands/repair.ts';
import { status } from '../../src/commands/status.ts';
import { up } from '../../src/commands/up.ts';
import { command as verifyCommand, verify } from '../../src/commands/verify.ts';
import { MemoryServer } from '../../src/database/memory-database.ts';
import { SchemaMismatch, UsageError } from '../../src/errors.ts';
import { listMigrations } from '../../src/migration-files.ts';
import { SHIPPED_MIGRATIONS } from '../support/cli.ts';
import { fileOf, files, legacySchema, memorySession } from '../support/memory-session.ts';

const [A, B, C] = files('001_a', '002_b', '003_c');
const SHIPPED = listMigrations(SHIPPED_MIGRATIONS);
const [BASELINE, CODE_CHUNKS] = SHIPPED;
const HEAD = SHIPPED.at(-1)!;

async function at(server: MemoryServer, applied = [A!, B!, C!]) {
  await memorySession(server, applied).database.stamp(applied);
  return server;
}

describe('verify on the in-memory port', () => {
  it('ok at head', async () => {
    const result = await verify(memorySession(await at(new MemoryServer()), [A!, B!, C!]));
    expect(result).toMatchObject({ ok: true, head: '003_c', pending: [], invalid_indexes: [] });
    expect(verifyCommand.failure!(result)).toBeUndefined();
    expect(verifyCommand.format(result, { json: false })).toBe('ok: database is at 003_c');
  });

  it('pending migrations: exit 7, naming them', async () => {
    const result = await verify(memorySession(await at(new MemoryServer(), [A!]), [A!, B!, C!]));
    expect(result).toMatchObject({ ok: false, pending: ['002_b', '003_c'] });
    const failure = verifyCommand.failure!(result)!;
    expect(failure.exitCode).toBe(7);
    expect(failure.message).toBe('2 migrations are not applied');
    expect(failure.details).toEqual(['002_b', '003_c']);
  });

  it('an edited applied migration: exit 6, before pending ones', async () => {
    const result = await verify(memorySession(await at(new MemoryServer(), [A!]), [fileOf('001_a', 'edited'), B!]));
    expect(result.drift.changed).toHaveLength(1);
    expect(result.pending).toEqual(['002_b']);
    expect(verifyCommand.failure!(result)).toMatchObject({ exitCode: 6, message: 'applied migrations have drifted: 1 problem' });
  });

  it('the database ahead of the image: exit 6', async () => {
    const result = await verify(memorySession(await at(new MemoryServer()), [A!, B!]));
    expect(result.drift.missing).toEqual([expect.stringMatching(/^003_c: applied on /)]);
    expect(verifyCommand.failure!(result)).toMatchObject({ exitCode: 6, message: 'the database is ahead of these migrations: 1 problem' });
  });

  it('an invalid index: exit 6', async () => {
    const server = await at(new MemoryServer());
    server.createTable('t', { id: 'integer' });
    server.createIndex('t', 't_idx', 'id', { valid: false });
    const result = await verify(memorySession(server, [A!, B!, C!]));
    expect(result.invalid_indexes).toEqual(['t_idx']);
    expect(verifyCommand.failure!(result)).toMatchObject({ exitCode: 6, message: 'invalid indexes: t_idx' });
  });

  it('vector columns of another size: exit 6', async () => {
    const server = await at(new MemoryServer());
    server.createTable('events', { embedding: 'vector(384)' });
    const result = await verify(memorySession(server, [A!, B!, C!]));
    expect(verifyCommand.failure!(result)).toMatchObject({ exitCode: 6, message: '1 vector column does not have EMBEDDING_DIMENSION = 768' });
  });

  it('--json prints the whole result, also when it fails', async () => {
    const result = await verify(memorySession(await at(new MemoryServer(), [A!]), [A!, B!]));
    expect(JSON.parse(verifyCommand.format(result, { json: true }))).toMatchObject({ ok: false, pending: ['002_b'], head: '002_b' });
    expect(verifyCommand.format(result, { json: false })).toBe('');
  });
});

describe('status, repair, history on the in-memory port', () => {
  it('status: every kind of anomaly', async () => {
    const server = await at(new MemoryServer(), [A!, C!, fileOf('004_gone')]);
    server.appendLedgerRow('public.pgmigrations', '005_plain'); // applied by node-pg-migrate alone
    server.createTable('t', { id: 'integer' });
    server.createIndex('t', 't_idx', 'id', { valid: false });
    const result = await status(memorySession(server, [fileOf('001_a', 'edited'), B!, C!, fileOf('005_plain')]));
    expect(result.applied.map((row) => [row.name, row.checksum])).toEqual([
      ['001_a', 'changed'],
      ['003_c', 'ok'],
      ['004_gone', 'file missing'],
      ['005_plain', 'not recorded'],
    ]);
    expect(result.pending).toEqual(['002_b']);
    expect(result.anomalies).toHaveLength(4);
    expect(result.table).toBe('public.pgmigrations');
  });

  it('status on a database with no ledger says it is not managed yet', async () => {
    const result = await status(memorySession(new MemoryServer(), [A!]));
    expect(result.anomalies).toEqual(['no pgmigrations table: this database is not managed yet (`up` adopts or creates it)']);
  });

  it('repair accepts the edited content, after which verify is ok', async () => {
    const server = await at(new MemoryServer(), [A!]);
    const edited = [fileOf('001_a', 'edited')];
    expect(await repair(memorySession(server, edited), undefined)).toEqual({ accepted: ['001_a'] });
    expect((await verify(memorySession(server, edited))).ok).toBe(true);
    expect(await repair(memorySession(server, edited), undefined)).toEqual({ accepted: [] });
  });

  it('repair of a migration that did not change: exit 2', async () => {
    await expect(repair(memorySession(await at(new MemoryServer(), [A!]), [A!]), '001_a')).rejects.toThrow(UsageError);
  });

  it('history oldest first, current the newest', async () => {
    const session = memorySession(await at(new MemoryServer(), [A!, B!]), [A!, B!]);
    const history = await historyCommand.run(session, undefined);
    expect(history.map((e) => e.name)).toEqual(['001_a', '002_b']);
    expect(await currentCommand.run(session, undefined)).toEqual(history[1]);
    expect(currentCommand.format(undefined, { json: false })).toBe('(no migration applied)');
    expect(currentCommand.format(undefined, { json: true })).toBe('null');
  });
});

describe('adoption on the in-memory port (up on a database with no history)', () => {
  it('an empty database runs every migration from the baseline', async () => {
    const result = await up(memorySession(new MemoryServer(), SHIPPED), { allowOutOfOrder: false });
    expect(result.stamped).toEqual([]);
    expect(result.applied).toEqual(SHIPPED.map((f) => f.name));
  });

  it('a legacy schema matching the baseline: the baseline is stamped, the rest applied', async () => {
    const server = new MemoryServer();
    legacySchema(server);
    const result = await up(memorySession(server, SHIPPED), { allowOutOfOrder: false });
    expect(result.stamped).toEqual([BASELINE!.name]);
    expect(result.applied).toEqual(SHIPPED.slice(1).map((f) => f.name));
  });

  it('a legacy schema that differs from the baseline is refused (6), naming the differences', async () => {
    const server = new MemoryServer();
    legacySchema(server, { embedding: 'vector(384)' });
    const error = await up(memorySession(server, SHIPPED), { allowOutOfOrder: false }).catch((e) => e);
    expect(error).toBeInstanceOf(SchemaMismatch);
    expect(error.details).toContain('column events.embedding is vector(384), expected vector(768)');
    expect((await server.connect().readLedger()).exists).toBe(false);
  });

  it('tables but no baseline declared: runs every migration on top, like node-pg-migrate', async () => {
    const server = new MemoryServer();
    server.createTable('legacy', { id: 'integer' });
    expect((await up(memorySession(server, [A!, B!]), { allowOutOfOrder: false })).applied).toEqual(['001_a', '002_b']);
  });

  it('a known Alembic revision stamps through the migration that replaces it', async () => {
    const server = new MemoryServer();
    legacySchema(server);
    server.setAlembicRevisions(['9dde1f9db172']);
    const result = await up(memorySession(server, SHIPPED), { allowOutOfOrder: false });
    expect(result.stamped).toEqual([BASELINE!.name]);
    expect(result.applied).toEqual(SHIPPED.slice(1).map((f) => f.name));
    expect(CODE_CHUNKS).toBeDefined();
  });

  it('a known Alembic revision whose schema differs is refused (6)', async () => {
    const server = new MemoryServer();
    server.setAlembicRevisions([`a40a6de7d379`]);
    legacySchema(server);
    const error = await up(memorySession(server, SHIPPED), { allowOutOfOrder: false }).catch((e) => e);
    expect(error).toBeInstanceOf(SchemaMismatch);
    expect(error.message).toBe('database says Alembic revision a40a6de7d379 but its schema differs; refusing to stamp it');
    expect(error.details).toContain('index idx_code_embedding_code is missing');
    expect(HEAD.name).toMatch(/code-hnsw$/);
  });

  it('an unknown Alembic revision is refused (6), listing the known ones', async () => {
    const server = new MemoryServer();
    server.setAlembicRevisions(['ffffffffffff']);
    const error = await up(memorySession(server, SHIPPED), { allowOutOfOrder: false }).catch((e) => e);
    expect(error.exitCode).toBe(6);
    expect(error.details[0]).toContain(`9dde1f9db172 (${BASELINE!.name})`);
  });

  it('more than one Alembic revision is refused (6)', async () => {
    const server = new MemoryServer();
    server.setAlembicRevisions(['9dde1f9db172', 'a40a6de7d379']);
    await expect(up(memorySession(server, SHIPPED), { allowOutOfOrder: false })).rejects.toMatchObject({
      exitCode: 6,
      message: 'alembic_version holds 2 revisions (9dde1f9db172, a40a6de7d379); expected exactly one',
    });
  });
});
