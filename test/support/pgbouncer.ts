// A real PgBouncer (Debian's package; .ci/run installs it) in front of the test
// server: its own ini and userlist in a temporary directory, a free loopback
// port, one pool mode, everything else at PgBouncer's defaults (notably
// ignore_startup_parameters, which lists nothing but extra_float_digits).
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { TcpProxy } from './tcp-proxy.ts';
import { temporaryDir } from './temporary.ts';

export type PoolMode = 'session' | 'transaction' | 'statement';

export interface PgBouncer {
  /** `url` (a database on the test server) as reached through this PgBouncer */
  through(url: string): string;
  stop(): Promise<void>;
}

const BINARIES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'];

export async function startPgBouncer(serverUrl: string, mode: PoolMode): Promise<PgBouncer> {
  const binary = BINARIES.find((path) => existsSync(path));
  if (!binary) throw new Error(`PgBouncer is needed for this test: apt-get install pgbouncer (looked for ${BINARIES})`);
  const server = new URL(serverUrl);
  const port = await TcpProxy.freePort();
  const dir = temporaryDir('mm-pgbouncer-');
  chmodSync(dir, 0o755); // readable by the user PgBouncer drops to when started as root
  const userlist = join(dir, 'userlist.txt');
  // plain passwords: PgBouncer then answers the server's SCRAM itself, and asks clients for md5
  const user = decodeURIComponent(server.username);
  writeFileSync(userlist, `"${user}" "${decodeURIComponent(server.password)}"\n`);
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = md5',
      `auth_file = ${userlist}`,
      `pool_mode = ${mode}`,
      '',
    ].join('\n'),
  );
  chmodSync(userlist, 0o644);
  chmodSync(ini, 0o644);
  // it refuses to run as root; Debian's package brings the postgres user
  const args = [...(process.getuid?.() === 0 ? ['-u', 'postgres'] : []), ini];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (chunk) => (log += chunk));
  child.stderr!.on('data', (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await listening(child, port, () => log);
  return {
    through: (url) => {
      const target = new URL(url);
      target.hostname = '127.0.0.1';
      target.port = String(port);
      return target.toString();
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function listening(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`PgBouncer exited (${child.exitCode}):\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`PgBouncer did not listen on ${port} within 10 s:\n${log()}`);
}
