// `verify`, `status`, `repair`, `history` and adoption decided in-process on the in-memory port.
import { describe, expect, it } from 'vitest';
import { bringToHead as up } from '../../src/apply/bring-to-head.ts';
import { currentCommand, historyCommand } from '../../src/commands/history.ts';
import { repair } from '../../src/commands/repair.ts';
import { status } from '../../src/commands/status.ts';
import { verify, command as verifyCommand } from '../../src/commands/verify.ts';
import { MemoryServer } from '../../src/database/memory-database.ts';
import { SchemaMismatch, UsageError } from '../../src/errors.ts';
import { expectedCatalogs, fileOf, files, memorySession } from '../support/memory-session.ts';

const [A, B, C] = files('001_a', '002_b', '003_c');

async function at(server: MemoryServer, applied = [A!, B!, C!]) {
  await memorySession(server, applied).database.stamp(applied);
  return server;
}

describe('verify on the in-memory port', () => {
  it('ok at head', async () => {
    const result = await verify(memorySession(await at(new MemoryServer()), [A!, B!, C!]));
    expect(result).toMatchObject({ ok: true, head: '003_c', pending: [], invalid_indexes: [] });
    expect(verifyCommand.failure!(result)).toBeUndefined();
    expect(verifyCommand.format(result, { json: false })).toMatch(/^ok: database is at 003_c\n/);
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
    expect(verifyCommand.failure!(result)).toMatchObject({
      exitCode: 6,
      message: 'applied migrations have drifted: 1 problem',
    });
  });

  it('the database ahead of the image: exit 6', async () => {
    const result = await verify(memorySession(await at(new MemoryServer()), [A!, B!]));
    expect(result.drift.missing).toEqual([expect.stringMatching(/^003_c: applied on /)]);
    expect(verifyCommand.failure!(result)).toMatchObject({
      exitCode: 6,
      message: 'the database is ahead of these migrations: 1 problem',
    });
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
    expect(verifyCommand.failure!(result)).toMatchObject({
      exitCode: 6,
      message: '1 vector column does not have EMBEDDING_DIMENSION = 768',
    });
  });

  it('--json prints the whole result, also when it fails', async () => {
    const result = await verify(memorySession(await at(new MemoryServer(), [A!]), [A!, B!]));
    expect(JSON.parse(verifyCommand.format(result, { json: true }))).toMatchObject({
      ok: false,
      pending: ['002_b'],
      head: '002_b',
    });
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
    expect(result.anomalies).toEqual([
      "no pgmigrations table: this database is not managed yet: `plan` shows what `up` would do (create the schema on an empty database, adopt a MnemoLite one, refuse another application's)",
    ]);
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
  // 001_a makes table a, 002_b table b, 003_c table c: each point is one more table
  const effects = {
    '001_a': (server: MemoryServer) => server.createTable('a', { id: 'integer' }),
    '002_b': (server: MemoryServer) => server.createTable('b', { id: 'integer' }),
    '003_c': (server: MemoryServer) => server.createTable('c', { id: 'integer' }),
  };
  const adopting = async (arrange: (server: MemoryServer) => void) => {
    const server = new MemoryServer();
    arrange(server);
    const migrationsDir = await expectedCatalogs([A!, B!, C!], effects);
    return { server, session: memorySession(server, [A!, B!, C!], { config: { migrationsDir }, effects }) };
  };

  it('an empty database runs every migration', async () => {
    const { session } = await adopting(() => undefined);
    expect(await up(session, { allowOutOfOrder: false })).toMatchObject({
      stamped: [],
      applied: ['001_a', '002_b', '003_c'],
    });
  });

  it('a database at a point: the migrations up to it are stamped, the rest applied', async () => {
    const { session } = await adopting((server) => {
      effects['001_a'](server);
      effects['002_b'](server);
    });
    expect(await up(session, { allowOutOfOrder: false })).toMatchObject({
      stamped: ['001_a', '002_b'],
      applied: ['003_c'],
    });
    expect(session.logs.find((l) => l.msg.startsWith('stamped'))?.msg).toBe(
      'stamped 2 migrations (001_a … 002_b) without running them: its catalog has what 2 migrations make',
    );
  });

  it('a table of its own beside a point: stamped, and the table named in a warning', async () => {
    const { session } = await adopting((server) => {
      effects['001_a'](server);
      server.createTable('notes', { id: 'integer' });
    });
    expect(await up(session, { allowOutOfOrder: false })).toMatchObject({
      stamped: ['001_a'],
      applied: ['002_b', '003_c'],
    });
    expect(session.logs.filter((l) => l.level === 'warn').map((l) => l.msg)).toContainEqual(
      expect.stringContaining('table public.notes'),
    );
  });

  it('a column of another type: refused (6), the difference named, nothing written', async () => {
    const { server, session } = await adopting((s) => s.createTable('a', { id: 'bigint' }));
    const error = await up(session, { allowOutOfOrder: false }).catch((e) => e);
    expect(error).toBeInstanceOf(SchemaMismatch);
    expect(error.message).toBe(
      'database has no migration history and 1 object is in a form this chain cannot bring to head; nothing was changed',
    );
    expect(error.details.slice(0, 3)).toEqual([
      'column public.a.id: found in a form no migration of the chain makes',
      '  found: bigint null',
      '  known: integer null, after 001_a',
    ]);
    expect((await server.connect().readLedger()).exists).toBe(false);
  });

  it('a table a later migration makes, without the earlier ones: stamped, the earlier one applied before the rest', async () => {
    const { session } = await adopting((server) => effects['002_b'](server));
    expect(await up(session, { allowOutOfOrder: false })).toMatchObject({
      stamped: ['002_b'],
      applied: ['001_a', '003_c'],
      adoption: { out_of_order: ['001_a'], rebuilt: [], comments: [] },
    });
    // a rerun (after a failure, say) applies what is left: adoption allowed that order, not only once
    expect((await verify(session)).ok).toBe(true);
  });

  it('more than one Alembic revision is refused (6)', async () => {
    const { server, session } = await adopting((s) => s.setAlembicRevisions(['9dde1f9db172', 'a40a6de7d379']));
    await expect(up(session, { allowOutOfOrder: false })).rejects.toMatchObject({
      exitCode: 6,
      message: 'alembic_version holds 2 revisions (9dde1f9db172, a40a6de7d379); expected at most one',
    });
    expect((await server.connect().readLedger()).exists).toBe(false);
  });

  it('verify compares the schema with the expected one at the ledger head: a dropped table is exit 6, named', async () => {
    const { server, session } = await adopting(() => undefined);
    await up(session, { allowOutOfOrder: false });
    expect((await verify(session)).ok).toBe(true);
    server.dropTable('b');
    const result = await verify(session);
    expect(result.schema.missing).toEqual([
      'column public.b.id integer null',
      'column-order public.b: id',
      'table public.b',
    ]);
    expect(verifyCommand.failure!(result)).toMatchObject({
      exitCode: 6,
      message: 'the schema is not what the migrations up to 003_c make',
    });
  });
});
