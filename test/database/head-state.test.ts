// The quick look's one round trip, over the protocol client of its own, against the real
// server: it must read what the port reads, be refused where pg would be, and give up on
// a server that does not answer or on a stop signal (the caller then opens a session).
import net from 'node:net';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askHeadState } from '../../src/database/head-state.ts';
import { ledgerDigestOf } from '../../src/database/ledger-sql.ts';
import { parseUrl } from '../../src/settings/database-url.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { connectPort } from '../support/postgres-port.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

const LEDGER = { schema: 'public', table: 'pgmigrations' };
const target = (url: string, change: Partial<pg.ClientConfig> = {}): pg.ClientConfig => ({
  ...parseUrl(url).client,
  application_name: 'mnemolite-migrate',
  ...change,
});
const look = async (client: pg.ClientConfig, options: { timeoutMs?: number; signal?: AbortSignal } = {}) =>
  (
    await askHeadState(client, LEDGER, {
      timeoutMs: options.timeoutMs ?? 10_000,
      signal: options.signal ?? new AbortController().signal,
    })
  ).answer();

describe('askHeadState', { timeout: 60_000 }, () => {
  it('reads the lock, the ledger, the catalog fingerprint and the schema checks as the port reads them', async () => {
    const port = await connectPort(db.url);
    const other = await connectPort(db.url);
    try {
      await db.query('create table notes (id int primary key, body text)');
      // names the database's collation would order otherwise than bytes do
      await port.stamp([
        { name: '001_a', checksum: 'a'.repeat(64) },
        { name: '002_b', checksum: 'b'.repeat(64) },
        { name: '002-c', checksum: 'c'.repeat(64) },
        { name: '010_alpha', checksum: 'd'.repeat(64) },
        { name: '010_Zeta', checksum: 'e'.repeat(64) },
      ]);
      await db.query(`insert into pgmigrations (name, run_on) values ('003_c', '2099-01-02 03:04:05.678912')`);
      await port.recordSchemaCheck('k', await port.catalogFingerprint());

      const state = await look(target(db.url));
      expect(state.pid).toBe(state.announcedPid);
      expect(state.locked).toBe(false);
      // the ledger as the port reads it, digested as the quick look digests the files: `-` for no checksum
      const { applied } = await port.readLedger();
      expect(applied.map((row) => row.checksum)).toContain(null);
      expect(state.ledger).toBe(
        ledgerDigestOf(applied.map(({ name, checksum }) => ({ name, checksum: checksum ?? '-' }))),
      );
      expect(state.fingerprint).toBe(await port.catalogFingerprint());
      expect(state.schemaChecks).toEqual(new Map([['k', await port.checkedFingerprint('k')]]));

      expect(await other.tryLock()).toBe(true);
      expect((await look(target(db.url))).locked).toBe(true);
      await other.unlock();
      await db.query('create index notes_body on notes (body)');
      expect((await look(target(db.url))).fingerprint).not.toBe(state.fingerprint);
    } finally {
      await port.close();
      await other.close();
    }
  });

  it('fails where the session would find no ledger or no schema checks: the caller opens one', async () => {
    const empty = await freshDatabase();
    try {
      await expect(look(target(empty.url))).rejects.toMatchObject({ code: '42P01' });
    } finally {
      await empty.drop();
    }
  });

  it('is refused as pg is: a wrong password, a database that is not there', async () => {
    await expect(look(target(db.url, { password: 'not the password' }))).rejects.toMatchObject({ code: '28P01' });
    await expect(look(target(db.url, { database: 'no_such_database' }))).rejects.toMatchObject({ code: '3D000' });
  });

  it('leaves TLS to pg: a target that asks for it is declined before connecting', async () => {
    await expect(look(target(db.url, { ssl: { rejectUnauthorized: false } }))).rejects.toThrow('TLS is asked for');
  });

  it('writes the query once its password is sent, and reads no answer from a server that cannot prove it knows the password', async () => {
    // SCRAM up to the server's proof, which it withholds until the query has arrived, then gets wrong
    const seen: string[] = [];
    const impostor = net.createServer((socket) => {
      let input = Buffer.alloc(0);
      let started = false;
      let proofSent = false;
      const send = (type: string, body: Buffer) => {
        const head = Buffer.alloc(5);
        head.write(type, 0, 'latin1');
        head.writeInt32BE(body.length + 4, 1);
        socket.write(Buffer.concat([head, body]));
      };
      const auth = (code: number, text = '') => {
        const body = Buffer.alloc(4);
        body.writeInt32BE(code);
        send('R', Buffer.concat([body, Buffer.from(text)]));
      };
      socket.on('data', (chunk) => {
        input = Buffer.concat([input, chunk]);
        for (;;) {
          if (!started) {
            if (input.length < 4 || input.length < input.readInt32BE(0)) return;
            input = input.subarray(input.readInt32BE(0));
            started = true;
            seen.push('startup');
            auth(10, 'SCRAM-SHA-256\0\0');
            continue;
          }
          if (input.length < 5 || input.length < 1 + input.readInt32BE(1)) return;
          const type = String.fromCharCode(input[0]!);
          const body = input.subarray(5, 1 + input.readInt32BE(1));
          input = input.subarray(1 + input.readInt32BE(1));
          seen.push(type);
          if (type === 'p' && seen.filter((t) => t === 'p').length === 1) {
            const nonce = /r=([^,]+)/.exec(body.toString('latin1'))![1];
            auth(11, `r=${nonce}server,s=${Buffer.from('salt').toString('base64')},i=4096`);
          } else if (type === 'Q' && !proofSent) {
            proofSent = true;
            auth(12, `v=${Buffer.alloc(32).toString('base64')}`);
            auth(0);
            send('Z', Buffer.from('I'));
          }
        }
      });
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    const { port } = impostor.address() as net.AddressInfo;
    try {
      await expect(look(target(db.url, { host: '127.0.0.1', port }), { timeoutMs: 5000 })).rejects.toThrow(
        'SCRAM: the server signature does not match',
      );
      // the query went out before the server's proof came back, right after the last password message
      expect(seen).toEqual(['startup', 'p', 'p', 'Q']);
    } finally {
      impostor.close();
    }
  });

  it('gives up on a server that does not answer, at its time or at a stop signal', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      await expect(look(target(db.url, { host: '127.0.0.1', port }), { timeoutMs: 300 })).rejects.toThrow(
        'no answer within 300 ms',
      );
      const stop = new AbortController();
      const stopped = look(target(db.url, { host: '127.0.0.1', port }), { signal: stop.signal });
      stop.abort();
      await expect(stopped).rejects.toThrow('stopped by a signal');
    } finally {
      silent.close();
    }
  });
});
