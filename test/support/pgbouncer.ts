// A real PgBouncer (Debian's package) in front of the test server: its own ini and
// userlist in a temporary directory, a free loopback port, one pool mode, everything
// else at PgBouncer's defaults (notably ignore_startup_parameters, which lists nothing
// but extra_float_digits). The machine's pgbouncer when it has one; else the same
// package in a container built here from DEBIAN_IMAGE, on the host's network.
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

const DEBIAN_IMAGE = process.env.DEBIAN_IMAGE ?? 'debian:bookworm-slim';
const CONTAINER_IMAGE = 'mnemolite-migrate-test-pgbouncer:local';
let built: Promise<void> | undefined;

/** Debian's pgbouncer package in an image of DEBIAN_IMAGE, built once a run (the build cache after that). */
function buildContainerImage(): Promise<void> {
  built ??= new Promise<void>((resolve, reject) => {
    const dockerfile = `FROM ${DEBIAN_IMAGE}\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends pgbouncer && rm -rf /var/lib/apt/lists/*\n`;
    const build = spawn('docker', ['build', '-q', '-t', CONTAINER_IMAGE, '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let errors = '';
    build.stderr!.on('data', (chunk) => (errors += chunk));
    build.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`building PgBouncer from ${DEBIAN_IMAGE} failed:\n${errors}`)),
    );
    build.stdin!.end(dockerfile);
  });
  return built;
}

/** The command that runs PgBouncer with these arguments: the machine's binary, or the container. */
async function pgbouncerCommand(dir: string, args: string[]): Promise<[string, string[]]> {
  // TEST_PGBOUNCER=container: the container even where a binary is installed (what a machine without one gets)
  const binary = process.env.TEST_PGBOUNCER === 'container' ? undefined : BINARIES.find((path) => existsSync(path));
  if (binary) return [binary, [...(process.getuid?.() === 0 ? ['-u', 'postgres'] : []), ...args]];
  await buildContainerImage();
  // the container's root drops to the package's postgres user; the host's loopback is its own
  const run = ['run', '--rm', '--network', 'host', '-v', `${dir}:${dir}:ro`, CONTAINER_IMAGE];
  return ['docker', [...run, 'pgbouncer', '-u', 'postgres', ...args]];
}

export async function startPgBouncer(serverUrl: string, mode: PoolMode): Promise<PgBouncer> {
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
  const [command, args] = await pgbouncerCommand(dir, [ini]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
