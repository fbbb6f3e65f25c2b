// The contract of the database port, run against every implementation (as
// golang-migrate's database/testing runs against every driver): PostgreSQL in
// test/database/database-contract.test.ts, and the in-memory twin the decision tests use.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database/port.ts';

/** How a test puts a database into a state, as SQL (or a migration) would. */
export interface Arrange {
  createExtension(name: string): Promise<void>;
  /** columns in order, types as format_type() prints them */
  createTable(name: string, columns: Record<string, string>): Promise<void>;
  createIndex(table: string, name: string, column: string, options?: { valid?: boolean }): Promise<void>;
  setAlembicRevisions(revisions: string[]): Promise<void>;
  /** what node-pg-migrate itself writes when it applies / reverts a migration: the row, no checksum */
  appendLedgerRow(name: string, table?: string): Promise<void>;
  removeLedgerRow(name: string, table?: string): Promise<void>;
  insertRows(table: string, rows: Record<string, unknown>[]): Promise<void>;
  /** the table's rows ordered by `key` */
  readRows(table: string, key: string): Promise<Record<string, unknown>[]>;
  /** another session, application_name `other`, holding locks on these tables in an open transaction */
  holdTableLocks(tables: string[]): Promise<() => Promise<void>>;
}

export interface Harness {
  /** a new session on the database under test; `table` names its ledger (default pgmigrations) */
  connect(table?: string): Promise<Database>;
  arrange: Arrange;
  dispose(): Promise<void>;
}

const A = { name: '001_a', checksum: 'a'.repeat(64) };
const B = { name: '002_b', checksum: 'b'.repeat(64) };
const C = { name: '003_c', checksum: 'c'.repeat(64) };

export function databaseContract(implementation: string, makeHarness: () => Promise<Harness>): void {
  describe(`database port contract: ${implementation}`, () => {
    let harness: Harness;
    let db: Database;
    const opened: Database[] = [];
    const connect = async (table?: string) => {
      const connection = await harness.connect(table);
      opened.push(connection);
      return connection;
    };
    beforeEach(async () => {
      harness = await makeHarness();
      db = await connect();
    });
    afterEach(async () => {
      for (const connection of opened.splice(0)) await connection.close();
      await harness.dispose();
    });

    describe('ledger', () => {
      it('a fresh database has no ledger', async () => {
        expect(await db.readLedger()).toEqual({ exists: false, applied: [] });
        expect(db.ledgerName).toBe('public.pgmigrations');
      });

      it('stamp records rows in the order given, with their checksums', async () => {
        await db.stamp([A, B]);
        await db.stamp([C]);
        const ledger = await db.readLedger();
        expect(ledger.exists).toBe(true);
        expect(ledger.applied.map(({ name, checksum }) => ({ name, checksum }))).toEqual([A, B, C]);
        expect(ledger.applied.every((row) => row.runOn instanceof Date)).toBe(true);
      });

      it('rows written by node-pg-migrate alone have no checksum until one is recorded', async () => {
        await harness.arrange.appendLedgerRow(A.name);
        await harness.arrange.appendLedgerRow(B.name);
        expect((await db.readLedger()).applied.map((row) => row.checksum)).toEqual([null, null]);
        await db.recordChecksums([A]);
        expect((await db.readLedger()).applied.map((row) => row.checksum)).toEqual([A.checksum, null]);
      });

      it('recordChecksums replaces a recorded checksum, and records nothing when given nothing', async () => {
        await db.recordChecksums([]);
        expect(await db.readLedger()).toEqual({ exists: false, applied: [] });
        await db.stamp([A]);
        await db.recordChecksums([{ name: A.name, checksum: 'f'.repeat(64) }]);
        expect((await db.readLedger()).applied[0]!.checksum).toBe('f'.repeat(64));
      });

      it('forgetReverted drops the checksums of migrations no longer applied', async () => {
        await db.stamp([A, B]);
        await harness.arrange.removeLedgerRow(B.name);
        await db.forgetReverted();
        await harness.arrange.appendLedgerRow(B.name); // applied again later: its old checksum must not come back
        expect((await db.readLedger()).applied.map(({ name, checksum }) => ({ name, checksum }))).toEqual([
          A,
          { name: B.name, checksum: null },
        ]);
      });

      it('schema checks: none until recorded, then the fingerprint recorded last under each key, per ledger', async () => {
        expect(await db.checkedFingerprint('k')).toBeUndefined();
        await db.recordSchemaCheck('k', 'f'.repeat(64));
        await db.recordSchemaCheck('j', 'e'.repeat(64));
        await db.recordSchemaCheck('k', 'd'.repeat(64));
        expect(await db.checkedFingerprint('k')).toBe('d'.repeat(64));
        expect(await db.checkedFingerprint('j')).toBe('e'.repeat(64));
        expect(await (await connect('other_migrations')).checkedFingerprint('k')).toBeUndefined();
        expect(await db.readLedger()).toEqual({ exists: false, applied: [] });
      });

      it('each ledger table is its own ledger', async () => {
        const other = await connect('other_migrations');
        await db.stamp([A]);
        expect(other.ledgerName).toBe('public.other_migrations');
        expect(await other.readLedger()).toEqual({ exists: false, applied: [] });
        await other.stamp([B]);
        expect((await db.readLedger()).applied.map((row) => row.name)).toEqual([A.name]);
      });
    });

    describe('the migration lock', () => {
      it('is held by one session at a time, which lockHolder names', async () => {
        const second = await connect();
        expect(await db.lockHolder()).toBeUndefined();
        expect(await db.tryLock()).toBe(true);
        expect(await second.tryLock()).toBe(false);
        expect((await second.lockHolder())?.pid).toBe(db.pid);
        await db.unlock();
        expect(await second.tryLock()).toBe(true);
        expect((await db.lockHolder())?.pid).toBe(second.pid);
        expect(await db.tryLock()).toBe(false);
      });

      it('is one lock per ledger table', async () => {
        const other = await connect('other_migrations');
        expect(await db.tryLock()).toBe(true);
        expect(await other.tryLock()).toBe(true);
        expect((await other.lockHolder())?.pid).toBe(other.pid);
      });

      it('goes with the session that held it', async () => {
        const second = await connect();
        expect(await second.tryLock()).toBe(true);
        await second.close();
        // PostgreSQL releases it when the backend exits, a moment after the client has gone
        await expect.poll(() => db.tryLock(), { timeout: 90_000 }).toBe(true);
      });

      it('blockers names sessions holding locks on tables, and only those', async () => {
        await harness.arrange.createTable('t', { id: 'integer' });
        expect(await db.blockers()).toEqual([]);
        const release = await harness.arrange.holdTableLocks(['t']);
        const blockers = await db.blockers();
        expect(blockers).toHaveLength(1);
        expect(blockers[0]).toMatchObject({ application_name: 'other', state: 'idle in transaction', relations: 't' });
        expect(blockers[0]!.since).toBeInstanceOf(Date);
        await release();
        expect(await db.blockers()).toEqual([]);
      });
    });

    describe('catalog reads', () => {
      it('alembicRevisions: undefined without the table, else its rows', async () => {
        expect(await db.alembicRevisions()).toBeUndefined();
        await harness.arrange.setAlembicRevisions(['9dde1f9db172']);
        expect(await db.alembicRevisions()).toEqual(['9dde1f9db172']);
      });

      it('vectorColumns: every fixed-size vector column with its size', async () => {
        await harness.arrange.createExtension('vector');
        await harness.arrange.createTable('t', { id: 'integer', a: 'vector(3)', b: 'halfvec(5)' });
        expect(await db.vectorColumns()).toEqual([
          { column: 'public.t.a', dimensions: 3 },
          { column: 'public.t.b', dimensions: 5 },
        ]);
      });

      it('invalidIndexes: only indexes left invalid', async () => {
        await harness.arrange.createTable('t', { id: 'integer', v: 'text' });
        await harness.arrange.createIndex('t', 't_id_idx', 'id');
        expect(await db.invalidIndexes()).toEqual([]);
        await harness.arrange.createIndex('t', 't_v_idx', 'v', { valid: false });
        expect(await db.invalidIndexes()).toEqual(['t_v_idx']);
      });

      it('catalog: one line per object, sorted in C collation, the same on every implementation', async () => {
        await harness.arrange.createExtension('vector');
        await harness.arrange.createTable('t', { id: 'integer', v: 'vector(3)' });
        await harness.arrange.createIndex('t', 't_id_idx', 'id', { valid: false });
        const lines = await db.catalog();
        expect(lines).toEqual([
          'column public.t.id integer null',
          'column public.t.v public.vector(3) null',
          'column-order public.t: id,v',
          'extension plpgsql schema=pg_catalog',
          'extension vector schema=public',
          'index public.t.t_id_idx: CREATE INDEX t_id_idx ON public.t USING btree (id) [INVALID]',
          'schema public',
          'table public.t',
        ]);
      });

      it('catalogFingerprint: the same while the catalog is, another once it lists otherwise', async () => {
        await harness.arrange.createTable('t', { id: 'integer', note: 'text' });
        const first = await db.catalogFingerprint();
        expect(await db.catalogFingerprint()).toBe(first);
        expect(await (await connect()).catalogFingerprint()).toBe(first);
        await harness.arrange.insertRows('t', [{ id: 1, note: 'rows are not the catalog' }]);
        expect(await db.catalogFingerprint()).toBe(first);
        await harness.arrange.createIndex('t', 't_id_idx', 'id');
        const indexed = await db.catalogFingerprint();
        expect(indexed).not.toBe(first);
        await db.setComments(['comment column public.t.note: what it is for']);
        expect(await db.catalogFingerprint()).not.toBe(indexed);
      });

      it('fingerprintedCatalog: the catalog and its fingerprint, of one state', async () => {
        await harness.arrange.createTable('t', { id: 'integer' });
        expect(await db.fingerprintedCatalog()).toEqual({
          lines: await db.catalog(),
          fingerprint: await db.catalogFingerprint(),
        });
      });

      it('createDatabase and dropDatabase: created, then there, then gone', async () => {
        const name = `contract_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
        expect(await db.createDatabase(name)).toBe('created');
        expect(await db.createDatabase(name)).toBe('exists');
        await db.dropDatabase(name);
        expect(await db.createDatabase(name)).toBe('created');
        await db.dropDatabase(name);
      });

      it('setComments: sets each comment as its catalog line says, and the catalog then lists that line', async () => {
        await harness.arrange.createTable('t', { id: 'integer', note: 'text' });
        const lines = ["comment column public.t.note: what it's for", 'comment table public.t: a table'];
        await db.setComments(lines);
        expect((await db.catalog()).filter((line) => line.startsWith('comment '))).toEqual(lines);
        await db.setComments(['comment table public.t: another']);
        expect(await db.catalog()).toContain('comment table public.t: another');
        await expect(db.setComments(['table public.t'])).rejects.toThrow(/not a comment line/);
      });

      it('extensions: installed or not, offered by the server or not, creatable by this (superuser) role', async () => {
        await harness.arrange.createExtension('vector');
        const { statuses, role, database } = await db.extensions(['vector', 'pg_trgm', 'no_such_extension']);
        expect(statuses).toEqual([
          { name: 'vector', installed: true, available: true, creatable: true },
          { name: 'pg_trgm', installed: false, available: true, creatable: true },
          { name: 'no_such_extension', installed: false, available: false, creatable: true },
        ]);
        expect([typeof role, typeof database]).toEqual(['string', 'string']);
      });

      it('tablesWithRows: only the tables given that hold a row; no definitions on a fresh database', async () => {
        await harness.arrange.createTable('filled', { id: 'integer' });
        await harness.arrange.createTable('unfilled', { id: 'integer' });
        await harness.arrange.insertRows('filled', [{ id: 1 }]);
        expect(await db.tablesWithRows(['public.filled', 'public.unfilled'])).toEqual(['public.filled']);
        expect(await db.tablesWithRows([])).toEqual([]);
        expect(await db.definitions()).toEqual({});
      });

      it('catalog leaves out our ledger and alembic_version', async () => {
        await harness.arrange.createTable('t', { id: 'integer' });
        const before = await db.catalog();
        expect(before).toContain('table public.t');
        await db.stamp([A]);
        await db.recordSchemaCheck('k', 'f'.repeat(64));
        await harness.arrange.setAlembicRevisions(['9dde1f9db172']);
        expect(await db.catalog()).toEqual(before);
      });
    });

    describe('index builds', () => {
      it('indexBuildFacts: the rows, a pgvector column with its size, the session maintenance_work_mem', async () => {
        await harness.arrange.createExtension('vector');
        await harness.arrange.createTable('t', { id: 'integer', v: 'halfvec(5)', n: 'text' });
        await harness.arrange.insertRows('t', [{ id: 1 }, { id: 2 }, { id: 3 }]);
        const before = await db.indexBuildFacts('public.t', 'v');
        expect(before).toMatchObject({ rows: 3, column: { type: 'halfvec', dimensions: 5 } });
        expect(before.maintenanceWorkMemKb).toBeGreaterThanOrEqual(1024);
        expect((await db.indexBuildFacts('public.t', 'n')).column).toBeUndefined();
        expect((await db.indexBuildFacts('public.t', undefined)).column).toBeUndefined();
      });

      it('setBuildSettings holds for the session until reset', async () => {
        await harness.arrange.createTable('t', { id: 'integer' });
        const server = (await db.indexBuildFacts('public.t', 'id')).maintenanceWorkMemKb;
        await db.setBuildSettings({ maintenanceWorkMemKb: 3 * 1024, parallelWorkers: 0 });
        expect((await db.indexBuildFacts('public.t', 'id')).maintenanceWorkMemKb).toBe(3 * 1024);
        await db.setBuildSettings(undefined);
        expect((await db.indexBuildFacts('public.t', 'id')).maintenanceWorkMemKb).toBe(server);
      });
    });

    describe('backfills', () => {
      const backfill = {
        table: 't',
        key: 'id',
        set: 'b = a, d = c::integer',
        pending: '(a IS NOT NULL AND b IS NULL) OR (c IS NOT NULL AND d IS NULL)',
      };
      const arrange = async () => {
        await harness.arrange.createTable('t', {
          id: 'integer',
          a: 'integer',
          b: 'integer',
          c: 'integer',
          d: 'integer',
        });
        // keys 3, 6, …, 90 (gaps, inserted in reverse): 15, 30, … have nothing to copy; 3, 33, 63 are filled already
        const rows = Array.from({ length: 30 }, (_, i) => {
          const id = 3 * i + 3;
          const a = id % 5 === 0 ? null : id;
          const c = a === null ? null : -id;
          return id % 10 === 3 ? { id, a, b: a, c, d: c } : { id, a, b: null, c, d: null };
        });
        await harness.arrange.insertRows('t', rows.toReversed());
      };

      it('pendingRows counts what pending matches; batches fill them in key order, each after the last key', async () => {
        await arrange();
        expect(await db.pendingRows(backfill)).toBe(21);
        const first = await db.backfillBatch(backfill, undefined, 10);
        expect(first).toEqual({ filled: 10, last: '42' });
        expect(await db.pendingRows(backfill)).toBe(11);
        const second = await db.backfillBatch(backfill, first.last, 10);
        expect(second).toEqual({ filled: 10, last: '84' });
        const third = await db.backfillBatch(backfill, second.last, 10);
        expect(third).toEqual({ filled: 1, last: '87' });
        expect(await db.backfillBatch(backfill, third.last, 10)).toEqual({ filled: 0, last: undefined });
        const rows = await harness.arrange.readRows('t', 'id');
        expect(rows.map((row) => row.b)).toEqual(rows.map((row) => row.a));
        expect(rows.map((row) => row.d)).toEqual(rows.map((row) => row.c));
      });

      it("a table's toast_tuple_target: the default until set, what was set, the default again once reset", async () => {
        await arrange();
        expect(await db.toastTupleTarget('t')).toBeUndefined();
        await db.setToastTupleTarget('t', 1024);
        expect(await db.toastTupleTarget('public.t')).toBe(1024);
        await db.setToastTupleTarget('t', undefined);
        expect(await db.toastTupleTarget('t')).toBeUndefined();
      });

      it('a rerun finds nothing pending: no row is filled twice', async () => {
        await arrange();
        let after: string | undefined;
        let filled = 0;
        for (;;) {
          const batch = await db.backfillBatch(backfill, after, 7);
          if (batch.last === undefined) break;
          filled += batch.filled;
          after = batch.last;
        }
        expect(filled).toBe(21);
        expect(await db.pendingRows(backfill)).toBe(0);
        expect(await db.backfillBatch(backfill, undefined, 1000)).toEqual({ filled: 0, last: undefined });
      });
    });

    describe('replication', () => {
      it('a lone primary: not a standby, no replicas, and its WAL position and clock move on with a write', async () => {
        expect(db.standby).toBe(false);
        const before = await db.replication();
        expect(before).toMatchObject({ replicas: [], hidden: 0, role: expect.any(String) });
        expect(before.written).toBeGreaterThanOrEqual(0);
        await db.stamp([A]);
        const after = await db.replication();
        expect(after.written).toBeGreaterThan(before.written);
        expect(after.atMs).toBeGreaterThan(before.atMs);
      });
    });

    describe('session', () => {
      it('synchronous commit can be turned off and on, and a rollback with no transaction open is harmless', async () => {
        await db.setSynchronousCommit(false);
        await db.stamp([A]);
        await db.setSynchronousCommit(true);
        await db.rollback();
        expect((await db.readLedger()).applied.map((row) => row.name)).toEqual([A.name]);
        expect(db.connectionLost()).toBe(false);
      });

      it('a direct session announces its own pid and keeps its server while another session holds a transaction', async () => {
        expect(db.announcedPid).toBe(db.pid);
        const probe = await db.probePooling();
        expect(probe).toEqual({ before: db.pid, other: expect.any(Number), after: db.pid });
        expect(probe.other).not.toBe(db.pid);
      });

      it('a progress watcher with nothing running samples nothing, and closes', async () => {
        const watcher = db.progressWatcher();
        expect(await watcher.sample()).toBeUndefined();
        await watcher.close();
      });
    });
  });
}
