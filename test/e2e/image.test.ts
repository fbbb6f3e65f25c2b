// The image on its own: rollback by `docker run`, many at once, non-root and
// read-only, and `docker stop` in the middle of a long migration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASELINE, HEAD } from '../support/migrations-dir.ts';
import { buildImage, ComposeProject, IMAGE, mountableMigrations, sh } from '../support/docker.ts';

const E2E = { timeout: 300_000 };
const stack = new ComposeProject();

beforeAll(async () => {
  await buildImage();
  const up = await stack.run('up', '-d', '--wait', 'db');
  if (up.code !== 0) throw new Error(`compose up db failed: ${up.stderr}`);
}, 600_000);
afterAll(() => stack.down(), 120_000);

const createDatabase = async (name: string) => stack.psql(`create database ${name}`, 'postgres');

describe('the image', () => {
  it('runs as a non-root user and with a read-only root filesystem', E2E, async () => {
    expect((await sh('docker', ['image', 'inspect', '-f', '{{.Config.User}}', IMAGE])).stdout.trim()).toBe('1000:1000');
    const uid = await sh('docker', ['run', '--rm', '--read-only', '--entrypoint', 'node', IMAGE, '-e', 'console.log(process.getuid())']);
    expect(uid.stdout.trim()).toBe('1000');
    const help = await stack.dockerRun(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: mnemolite-migrate');
  });

  it('rolls back with docker run … down --to <baseline> --yes; verify then exits 7', E2E, async () => {
    await createDatabase('rollback');
    const env = { POSTGRES_DB: 'rollback' };
    expect((await stack.dockerRun(['up'], { env })).code).toBe(0);
    const down = await stack.dockerRun(['down', '--to', BASELINE, '--yes'], { env });
    expect(down.code, down.stderr).toBe(0);
    expect(await stack.psql('select name from pgmigrations', 'rollback')).toBe(BASELINE);
    const verify = await stack.dockerRun(['verify'], { env });
    expect(verify.code).toBe(7);
    expect(verify.stderr).toContain('3 migrations are not applied');
  });

  it('five containers started at once against one database all exit 0, each migration applied once', E2E, async () => {
    await createDatabase('five');
    const runs = await Promise.all(Array.from({ length: 5 }, () => stack.dockerRun(['up'], { env: { POSTGRES_DB: 'five' } })));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    expect(await stack.psql('select count(*), count(distinct name) from pgmigrations', 'five')).toBe('4|4');
    expect(await stack.psql('select name from pgmigrations order by id desc limit 1', 'five')).toBe(HEAD);
  });

  it('docker stop during a long migration exits within 10 s and leaves nothing half-applied', E2E, async () => {
    await createDatabase('stopped');
    const dir = mountableMigrations({ '20260101000000000_sleeper.sql': '-- Up Migration\ncreate table sleeper_marker (id int);\nselect pg_sleep(120);\n' });
    const started = await stack.dockerRun(['up'], { env: { POSTGRES_DB: 'stopped', MIGRATIONS_DIR: '/migrations' }, volumes: [`${dir}:/migrations:ro`], detach: true });
    const id = started.stdout.trim();
    try {
      await expect.poll(async () => (await sh('docker', ['logs', id])).stderr, { timeout: 60_000, interval: 250 }).toContain('applying 20260101000000000_sleeper');
      const before = Date.now();
      await sh('docker', ['stop', '-t', '10', id]);
      const took = Date.now() - before;
      expect(took).toBeLessThan(10_000);
      expect((await sh('docker', ['inspect', '-f', '{{.State.ExitCode}}', id])).stdout.trim()).toBe('143');
      expect((await sh('docker', ['logs', id])).stderr).toContain('stopped by SIGTERM during 20260101000000000_sleeper, which was rolled back');
      expect(await stack.psql(`select to_regclass('sleeper_marker') is null, count(*) filter (where name like '%sleeper') from pgmigrations`, 'stopped')).toBe('t|0');
      expect(await stack.psql(`select count(*) from pg_stat_activity where query like '%pg_sleep(120)%' and pid <> pg_backend_pid()`, 'stopped')).toBe('0');
    } finally {
      await sh('docker', ['rm', '-f', id]);
    }
  });
});
