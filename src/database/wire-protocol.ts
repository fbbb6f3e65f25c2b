// PostgreSQL's protocol at its simplest, for the quick look (head-state.ts): one plain connection
// (TCP or a Unix socket, no TLS), the password methods pg knows (trust, password, md5,
// SCRAM-SHA-256), simple queries with text results. Whatever it is not made for ends the connection with an error, and the caller opens a
// session with pg instead: a fast path for one round trip, not a driver. Loading and running pg
// costs a start more than all the rest of a no-op (docs/benchmarks.md).
import { createHash, createHmac, hash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface WireTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  applicationName: string;
}

/** One statement's rows, every value as PostgreSQL's text output (null for NULL). */
export type Rows = (string | null)[][];

interface Message {
  type: string;
  body: Buffer;
}

const PROTOCOL_3_0 = 196_608;
const SCRAM = 'SCRAM-SHA-256';

function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const cstring = (text: string): Buffer => Buffer.from(`${text}\0`);

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
}

/** ErrorResponse: its fields by their one-letter codes (C: SQLSTATE, M: message). */
function serverError(body: Buffer): Error & { code?: string } {
  const fields = new Map<string, string>();
  for (let at = 0; body[at] !== 0 && at < body.length; ) {
    const end = body.indexOf(0, at + 1);
    fields.set(String.fromCharCode(body[at]!), body.toString('utf8', at + 1, end));
    at = end + 1;
  }
  return Object.assign(new Error(`${fields.get('C')}: ${fields.get('M')}`), { code: fields.get('C') });
}

export class WireConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve(message: Message): void; reject(error: Error): void } | undefined;
  private failure: Error | undefined;
  private cleanUp: () => void = () => undefined;
  /** the session's start-up, until ReadyForQuery: a query written before waits on it to read its answer */
  private started: Promise<void> = Promise.resolve();
  /** the server process serving this connection, as it announced itself (BackendKeyData) */
  announcedPid = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.deliver();
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the server closed the connection')));
  }

  /**
   * Connects and authenticates, within `timeoutMs` and until `signal` aborts. Resolves once the server
   * needs nothing more from us to start the session (our last authentication message is sent): a query
   * written from then on waits in the server's input, and the server goes on to it without a round
   * trip to us. The server's proof of the password, and the rest of the start-up, are checked before
   * the query's answer is read.
   */
  static async open(target: WireTarget, options: { timeoutMs: number; signal: AbortSignal }): Promise<WireConnection> {
    // a host starting with / is the directory of PostgreSQL's Unix socket, as in libpq and pg; over
    // TCP without Nagle's delay (as they do), so the query leaves right behind the password message
    const socket = target.host.startsWith('/')
      ? connect({ path: `${target.host}/.s.PGSQL.${target.port}` })
      : connect({ host: target.host, port: target.port, noDelay: true });
    const connection = new WireConnection(socket);
    // the whole look, queries included, until close()
    const timer = setTimeout(
      () => connection.fail(new Error(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const abort = () => connection.fail(new Error('stopped by a signal'));
    options.signal.addEventListener('abort', abort, { once: true });
    connection.cleanUp = () => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', abort);
    };
    if (options.signal.aborted) abort();
    let authenticated!: () => void;
    const sent = new Promise<void>((resolve) => {
      authenticated = resolve;
    });
    connection.started = connection.startUp(target, authenticated);
    connection.started.catch(() => undefined); // awaited by query()
    try {
      await Promise.race([sent, connection.started]);
      return connection;
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /** Runs `sql` (one or more statements, no parameters) as one simple query: the rows of each statement. */
  async query(sql: string): Promise<Rows[]> {
    this.socket.write(message('Q', cstring(sql)));
    await this.started;
    const results: Rows[] = [];
    let rows: Rows = [];
    let error: Error | undefined;
    for (;;) {
      const { type, body } = await this.next();
      if (type === 'D') rows.push(rowValues(body));
      else if (type === 'C' || type === 'I') {
        results.push(rows);
        rows = [];
      } else if (type === 'E') error = serverError(body);
      else if (type === 'Z') {
        if (error) throw error;
        return results;
      }
      // T (the columns: known from the statement), N (notice), S (parameter status), A: nothing to act on
    }
  }

  /** Says goodbye and lets go: the process need not wait for the server to hang up. */
  close(): void {
    this.cleanUp();
    if (!this.socket.destroyed) this.socket.end(message('X'));
    this.socket.unref();
  }

  /** Until ReadyForQuery; `authenticated` is called once our side of the authentication is sent. */
  private async startUp(target: WireTarget, authenticated: () => void): Promise<void> {
    const parameters = [
      ['user', target.user],
      ['database', target.database],
      ['application_name', target.applicationName],
      ['client_encoding', 'UTF8'],
    ];
    const body = Buffer.concat([int32(PROTOCOL_3_0), ...parameters.flat().map(cstring), Buffer.from([0])]);
    let scram: Scram | undefined;
    this.socket.once('connect', () => {
      this.socket.write(Buffer.concat([int32(body.length + 4), body]));
      // The nonce is drawn while the server starts the session: a first use of crypto loads it
      // (milliseconds), and this way that overlaps the wait instead of adding to it.
      if (target.password !== '') scram = new Scram(target.password);
    });
    for (;;) {
      const { type, body } = await this.next();
      if (type === 'E') throw serverError(body);
      if (type === 'K') this.announcedPid = body.readInt32BE(0);
      if (type === 'Z') return;
      if (type !== 'R') continue;
      const code = body.readInt32BE(0);
      // as libpq: a SCRAM exchange begun ends with the server's proof, or not at all
      if (code === 0 && scram?.begun && !scram.serverVerified)
        throw new Error('SCRAM: the server did not prove itself');
      if (code === 0) {
        authenticated();
        continue;
      }
      // an empty password: pg would look for one in PGPASSWORD or ~/.pgpass
      if ((code === 3 || code === 5 || code === 10) && target.password === '')
        throw new Error('a password is asked for and none is given');
      if (code === 3) {
        this.socket.write(message('p', cstring(target.password)));
        authenticated();
      } else if (code === 5) {
        this.socket.write(message('p', cstring(md5Password(target, body.subarray(4, 8)))));
        authenticated();
      } else if (code === 10) {
        const mechanisms = body.toString('utf8', 4).split('\0');
        if (!mechanisms.includes(SCRAM) || !scram)
          throw new Error(`authentication by ${mechanisms.filter(Boolean).join(', ')}`);
        const first = Buffer.from(scram.clientFirst);
        this.socket.write(message('p', cstring(SCRAM), int32(first.length), first));
      } else if (code === 11 && scram) {
        this.socket.write(message('p', Buffer.from(scram.clientFinal(body.toString('utf8', 4)))));
        authenticated();
      } else if (code === 12 && scram) scram.verifyServer(body.toString('utf8', 4));
      else throw new Error(`authentication request ${code}`);
    }
  }

  private next(): Promise<Message> {
    const ready = this.take();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  private take(): Message | undefined {
    if (this.buffered.length < 5) return undefined;
    const end = 1 + this.buffered.readInt32BE(1);
    if (this.buffered.length < end) return undefined;
    const taken = { type: String.fromCharCode(this.buffered[0]!), body: this.buffered.subarray(5, end) };
    this.buffered = this.buffered.subarray(end);
    return taken;
  }

  private deliver(): void {
    const waiting = this.waiting;
    const ready = waiting && this.take();
    if (!ready) return;
    this.waiting = undefined;
    waiting.resolve(ready);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.cleanUp();
    this.socket.destroy();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(this.failure);
  }
}

/** AuthenticationMD5Password's answer: md5 of (md5 of password and user, as hex) and the salt. */
function md5Password(target: WireTarget, salt: Buffer): string {
  const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');
  return `md5${md5(Buffer.concat([Buffer.from(md5(`${target.password}${target.user}`)), salt]))}`;
}

function rowValues(body: Buffer): (string | null)[] {
  const values: (string | null)[] = [];
  let at = 2;
  for (let i = body.readInt16BE(0); i > 0; i--) {
    const length = body.readInt32BE(at);
    at += 4;
    if (length < 0) values.push(null);
    else {
      values.push(body.toString('utf8', at, at + length));
      at += length;
    }
  }
  return values;
}

/** RFC 5802 with SHA-256, as PostgreSQL runs it: the user name is in the start-up message, not here. */
class Scram {
  private readonly nonce = randomBytes(18).toString('base64');
  private serverSignature: Buffer | undefined;
  begun = false;
  serverVerified = false;

  constructor(private readonly password: string) {}

  get clientFirst(): string {
    this.begun = true;
    return `n,,${this.clientFirstBare}`;
  }

  private get clientFirstBare(): string {
    return `n=*,r=${this.nonce}`;
  }

  clientFinal(serverFirst: string): string {
    const fields = new Map(serverFirst.split(',').map((field) => [field[0], field.slice(2)]));
    const nonce = fields.get('r') ?? '';
    const salt = Buffer.from(fields.get('s') ?? '', 'base64');
    const iterations = Number(fields.get('i'));
    if (!nonce.startsWith(this.nonce) || nonce === this.nonce || salt.length === 0 || !(iterations > 0))
      throw new Error('SCRAM: the server answered with something else than a challenge');
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const salted = pbkdf2Sync(this.password, salt, iterations, 32, 'sha256');
    const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
    const clientKey = hmac(salted, 'Client Key');
    const signature = hmac(hash('sha256', clientKey, 'buffer'), authMessage);
    this.serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!));
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** The server proves it knows the password too: without this, anyone answering on the port would do. */
  verifyServer(serverFinal: string): void {
    const given = Buffer.from(/^v=([A-Za-z0-9+/=]+)$/.exec(serverFinal.trim())?.[1] ?? '', 'base64');
    const expected = this.serverSignature;
    if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new Error('SCRAM: the server signature does not match');
    this.serverVerified = true;
  }
}
