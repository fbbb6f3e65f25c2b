// The docker CLI from tests: the image built from Dockerfile.migrate, compose
// projects of our compose.yaml, and one-off containers on their network.
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHIPPED_MIGRATIONS } from './cli.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const IMAGE = 'mnemolite-migrate:e2e';
export const NODE_IMAGE = process.env.NODE_IMAGE ?? 'node:24-bookworm-slim';
export const DB_IMAGE = process.env.DB_IMAGE ?? 'pgvector/pgvector:pg18';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function sh(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Builds the image once per run (later calls hit the build cache). */
export async function buildImage(): Promise<void> {
  const result = await sh('docker', ['build', '-q', '-f', 'Dockerfile.migrate', '--build-arg', `NODE_IMAGE=${NODE_IMAGE}`, '-t', IMAGE, '.']);
  if (result.code !== 0) throw new Error(`docker build failed:\n${result.stderr}`);
}

export class ComposeProject {
  readonly name = `mme2e${Math.random().toString(36).slice(2, 8)}`;
  constructor(private readonly overrides: string[] = []) {}

  run(...args: string[]): Promise<Run> {
    const files = ['compose.yaml', ...this.overrides].flatMap((file) => ['-f', file]);
    return sh('docker', ['compose', '-p', this.name, ...files, ...args], { MIGRATE_TAG: 'e2e', NODE_IMAGE, DB_IMAGE });
  }

  async containerId(service: string): Promise<string> {
    return (await this.run('ps', '-aq', service)).stdout.trim();
  }

  /** `docker wait`: the exit code, also for a container that has already exited (compose wait misses those). */
  async exitCode(service: string): Promise<number> {
    const waited = await sh('docker', ['wait', await this.containerId(service)]);
    return Number(waited.stdout.trim());
  }

  async psql(sql: string, database = 'mnemolite'): Promise<string> {
    const result = await this.run('exec', '-T', 'db', 'psql', '-v', 'ON_ERROR_STOP=1', '-U', 'mnemo', '-d', database, '-Atc', sql);
    if (result.code !== 0) throw new Error(`psql failed: ${result.stderr}`);
    return result.stdout.trim();
  }

  /** A one-off container of the image on this project's network, read-only like in production. */
  dockerRun(args: string[], options: { env?: Record<string, string>; volumes?: string[]; detach?: boolean } = {}): Promise<Run> {
    const env = { POSTGRES_HOST: 'db', POSTGRES_USER: 'mnemo', POSTGRES_PASSWORD: 'mnemopass', POSTGRES_DB: 'mnemolite', ...options.env };
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
  const dir = mkdtempSync(join(tmpdir(), 'mm-compose-'));
  const path = join(dir, 'override.yaml');
  writeFileSync(path, yaml);
  return path;
}

/** The shipped migrations plus `extra`, readable by the image's uid 1000. */
export function mountableMigrations(extra: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mm-mount-'));
  cpSync(SHIPPED_MIGRATIONS, dir, { recursive: true });
  for (const [name, content] of Object.entries(extra)) writeFileSync(join(dir, name), content);
  chmodSync(dir, 0o755);
  for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o644);
  return dir;
}
