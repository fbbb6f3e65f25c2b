// The docker CLI from tests: the image built from Dockerfile.migrate, compose
// projects of our compose.yaml, and one-off containers on their network.
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHIPPED_MIGRATIONS } from './cli.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const IMAGE = 'mnemolite-migrate:e2e';
export const NODE_IMAGE = process.env.NODE_IMAGE ?? 'node:24-bookworm-slim';
export const DB_IMAGE = process.env.DB_IMAGE ?? 'pgvector/pgvector:pg18';
export const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

export { BASELINE, HEAD, MIGRATIONS } from './migrations-dir.ts';

/** Test migrations used by the container tests (test/fixtures/e2e), by name. */
export const FIXTURE = (file: string) => fileURLToPath(new URL(`../fixtures/e2e/${file}`, import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function sh(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

let revision: Promise<string> | undefined;
/** Builds the image (each test file calls it; after the first build it is the build cache). */
export async function buildImage(): Promise<void> {
  revision ??= sh('git', ['rev-parse', 'HEAD']).then((r) => (r.code === 0 ? r.stdout.trim() : 'unknown'));
  const result = await sh('docker', [
    'build',
    '-q',
    '-f',
    'Dockerfile.migrate',
    '--build-arg',
    `NODE_IMAGE=${NODE_IMAGE}`,
    '--build-arg',
    `VERSION=${VERSION}`,
    '--build-arg',
    `REVISION=${await revision}`,
    '-t',
    IMAGE,
    '.',
  ]);
  if (result.code !== 0) throw new Error(`docker build failed:\n${result.stderr}`);
}

const temporary: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

export class ComposeProject {
  readonly name: string;
  constructor(
    private readonly overrides: string[] = [],
    label = 'e2e',
    /** the first compose file: this repository's, or another layout's (its directory is the project's) */
    private readonly base = 'compose.yaml',
  ) {
    this.name = `mm${label}${Math.random().toString(36).slice(2, 8)}`;
  }

  run(...args: string[]): Promise<Run> {
    const files = [this.base, ...this.overrides].flatMap((file) => ['-f', file]);
    return sh('docker', ['compose', '-p', this.name, ...files, ...args], { MIGRATE_TAG: 'e2e', NODE_IMAGE, DB_IMAGE });
  }

  async containerId(service: string): Promise<string> {
    const id = (await this.run('ps', '-aq', service)).stdout.trim();
    if (!id || id.includes('\n'))
      throw new Error(`expected one container of ${service} in ${this.name}, got ${JSON.stringify(id)}`);
    return id;
  }

  /** `docker wait`: the exit code, also for a container that has already exited (compose wait misses those). */
  async exitCode(service: string): Promise<number> {
    const waited = await sh('docker', ['wait', await this.containerId(service)]);
    if (waited.code !== 0) throw new Error(`docker wait failed: ${waited.stderr}`);
    return Number(waited.stdout.trim());
  }

  async psql(sql: string, database = 'mnemolite'): Promise<string> {
    const result = await this.run(
      'exec',
      '-T',
      'db',
      'psql',
      '-v',
      'ON_ERROR_STOP=1',
      '-U',
      'mnemo',
      '-d',
      database,
      '-Atc',
      sql,
    );
    if (result.code !== 0) throw new Error(`psql failed: ${result.stderr}`);
    return result.stdout.trim();
  }

  /** A one-off container of the image on this project's network, read-only like in production. */
  dockerRun(
    args: string[],
    options: { env?: Record<string, string>; volumes?: string[]; detach?: boolean } = {},
  ): Promise<Run> {
    const env = {
      POSTGRES_HOST: 'db',
      POSTGRES_USER: 'mnemo',
      POSTGRES_PASSWORD: 'mnemopass',
      POSTGRES_DB: 'mnemolite',
      ...options.env,
    };
    return sh('docker', [
      'run',
      ...(options.detach ? ['-d'] : ['--rm']),
      '--read-only',
      '--network',
      `${this.name}_default`,
      ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
      ...(options.volumes ?? []).flatMap((volume) => ['-v', volume]),
      IMAGE,
      ...args,
    ]);
  }

  down(): Promise<Run> {
    return this.run('down', '-v', '-t', '1', '--remove-orphans');
  }
}

/** A compose override file written to a temporary directory. */
export function overrideFile(yaml: string): string {
  const path = join(tempDir('mm-compose-'), 'override.yaml');
  writeFileSync(path, yaml);
  return path;
}

/** A copy of the shipped migrations plus the given fixture files, readable by the image's uid 1000. */
export function mountableMigrations(...fixtures: string[]): string {
  const dir = tempDir('mm-mount-');
  cpSync(SHIPPED_MIGRATIONS, dir, { recursive: true });
  for (const file of fixtures) cpSync(FIXTURE(file), join(dir, basename(file)));
  // expected/ included: directories searchable, files readable
  const open = (path: string) => {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) open(join(path, entry.name));
      else chmodSync(join(path, entry.name), 0o644);
    }
  };
  open(dir);
  return dir;
}

/** A directory holding the given files, readable by any uid (the db image runs as postgres). */
export function mountableFiles(files: Record<string, string>): string {
  const dir = tempDir('mm-files-');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content, { mode: 0o644 });
  chmodSync(dir, 0o755);
  return dir;
}

/** Removes the temporary files written for mounts (after the containers using them are gone). */
export function removeTemporaryFiles(): void {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
}
