// A TCP proxy in front of the test database, to play a database that is down,
// comes up late, is still starting (accepts, then hangs up), or restarts
// mid-run — without touching the real server.
import net from 'node:net';

export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  /** 'hang-up': accept each connection and close it at once, as a server that is still starting does */
  private mode: 'forward' | 'hang-up' = 'forward';
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  /** A port nothing listens on yet (the proxy is "down" until start()). */
  static async freePort(): Promise<number> {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    return port;
  }

  async start(mode: 'forward' | 'hang-up' = 'forward'): Promise<void> {
    this.mode = mode;
    this.server = net.createServer((client) => {
      if (this.mode === 'hang-up') return void client.destroy();
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** From now on, connections reach the database. */
  forward(): void {
    this.mode = 'forward';
  }

  /** Like a database restart: every open connection is cut and nothing listens. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
    this.server = undefined;
  }
}

export function proxyUrl(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

export function targetOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432) };
}
