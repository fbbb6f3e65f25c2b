// The image on its own: what it holds, non-root and read-only, rollback by
// `docker run`, many at once, and `docker stop` in the middle of a long migration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASELINE,
  buildImage,
  ComposeProject,
  HEAD,
  IMAGE,
  MIGRATIONS,
  mountableMigrations,
  removeTemporaryFiles,
  sh,
  VERSION,
} from '../support/docker.ts';

const E2E = { timeout: 300_000 };
const stack = new ComposeProject([], 'image');

beforeAll(async () => {
  await buildImage();
  const up = await stack.run('up', '-d', '--wait', 'db');
  if (up.code !== 0) throw new Error(`compose up db failed: ${up.stderr}`);
}, 600_000);
afterAll(async () => {
  const down = await stack.down();
  removeTemporaryFiles();
  if (down.code !== 0) throw new Error(`compose down failed: ${down.stderr}`);
}, 120_000);

const createDatabase = async (name: string) => stack.psql(`create database ${name}`, 'postgres');
const inspect = async (format: string, target = IMAGE) =>
  (await sh('docker', ['inspect', '-f', format, target])).stdout.trim();

describe('the image', () => {
  it('runs the CLI as a numeric non-root user, up by default, with OCI labels', E2E, async () => {
    expect(await inspect('{{.Config.User}}')).toBe('1000:1000');
    expect(await inspect('{{json .Config.Entrypoint}} {{json .Config.Cmd}}')).toBe(
      '["node","/app/dist/cli.js"] ["up"]',
    );
    const labels = JSON.parse(await inspect('{{json .Config.Labels}}'));
    expect(labels['org.opencontainers.image.version']).toBe(VERSION);
    expect(labels['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{40}$|^unknown$/);
    expect(labels['org.opencontainers.image.source']).toMatch(/^https:\/\//);
    const version = await sh('docker', ['run', '--rm', '--read-only', IMAGE, '--version']);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toContain(VERSION);
  });

  it(
    'holds the bundled CLI, its WebAssembly and compile cache, the migrations and the templates: no node_modules',
    E2E,
    async () => {
      const list = await sh('docker', [
        'run',
        '--rm',
        '--read-only',
        '--entrypoint',
        'node',
        IMAGE,
        '-e',
        `const fs = process.getBuiltinModule('fs'); console.log(JSON.stringify({ app: fs.readdirSync('/app').sort(), dist: fs.readdirSync('/app/dist'), uid: process.getuid() }))`,
      ]);
      expect(list.code, list.stderr).toBe(0);
      const { app, dist, uid } = JSON.parse(list.stdout);
      expect(uid).toBe(1000);
      expect(app).toEqual(['compile-cache', 'dist', 'migrations', 'package.json', 'templates']);
      expect(dist).toEqual(expect.arrayContaining(['cli.js', 'libpg-query.wasm']));
      // esbuild's output only: the entry, its chunks, the parser's WebAssembly
      expect(dist.filter((file: string) => !/^(cli|[\w-]+-[A-Z0-9]{8})\.js$|^libpg-query\.wasm$/.test(file))).toEqual(
        [],
      );
    },
  );

  it(
    'rolls back with docker run … down --to <baseline> --yes on the compose network; verify then exits 7',
    E2E,
    async () => {
      await createDatabase('rollback');
      const env = { POSTGRES_DB: 'rollback' };
      const up = await stack.dockerRun(['up'], { env });
      expect(up.code, up.stderr).toBe(0);
      expect((await stack.dockerRun(['verify'], { env })).code).toBe(0);
      const down = await stack.dockerRun(['down', '--to', BASELINE, '--yes'], { env });
      expect(down.code, down.stderr).toBe(0);
      expect(await stack.psql('select name from pgmigrations', 'rollback')).toBe(BASELINE);
      expect(
        await stack.psql(`select to_regclass('code_chunks') is null, to_regclass('events') is not null`, 'rollback'),
      ).toBe('t|t');
      const verify = await stack.dockerRun(['verify'], { env });
      expect(verify.code).toBe(7);
      const pending = MIGRATIONS.length - 1;
      expect(verify.stderr).toContain(`${pending} migration${pending === 1 ? ' is' : 's are'} not applied`);
    },
  );

  it(
    'runs plan, lint, status and snapshot --check read-only: the chunks loaded only by those commands, the parser WebAssembly',
    E2E,
    async () => {
      await createDatabase('commands');
      const env = { POSTGRES_DB: 'commands' };
      const plan = await stack.dockerRun(['plan', '--json'], { env });
      expect(plan.code, plan.stderr).toBe(0);
      const { pending } = JSON.parse(plan.stdout);
      expect(pending.map((migration: { name: string }) => migration.name)).toEqual(MIGRATIONS);
      const lint = await stack.dockerRun(['lint'], { env });
      expect(lint.code, lint.stderr).toBe(0);
      expect(lint.stdout).toContain(`${MIGRATIONS.length} migrations linted: 0 findings`);
      // an empty database: what snapshot --check applies the chain to, comparing with migrations/expected/
      const check = await stack.dockerRun(['snapshot', '--check'], { env });
      expect(check.code, check.stderr).toBe(0);
      const up = await stack.dockerRun(['up'], { env });
      expect(up.code, up.stderr).toBe(0);
      const status = await stack.dockerRun(['status', '--json'], { env });
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout).applied).toHaveLength(MIGRATIONS.length);
    },
  );

  it('five containers started at once against one database all exit 0, each migration applied once', E2E, async () => {
    await createDatabase('five');
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => stack.dockerRun(['up'], { env: { POSTGRES_DB: 'five' } })),
    );
    expect(
      runs.map((r) => r.code),
      runs.map((r) => r.stderr).join('\n---\n'),
    ).toEqual([0, 0, 0, 0, 0]);
    expect(await stack.psql('select count(*), count(distinct name) from pgmigrations', 'five')).toBe(
      `${MIGRATIONS.length}|${MIGRATIONS.length}`,
    );
    expect(await stack.psql('select name from pgmigrations order by id desc limit 1', 'five')).toBe(HEAD);
  });

  it('docker stop during a long migration exits within 10 s and leaves nothing half-applied', E2E, async () => {
    await createDatabase('stopped');
    const sleeper = '20990101000000000_sleeper';
    const dir = mountableMigrations(`${sleeper}.sql`);
    const started = await stack.dockerRun(['up'], {
      env: { POSTGRES_DB: 'stopped', MIGRATIONS_DIR: '/migrations' },
      volumes: [`${dir}:/migrations:ro`],
      detach: true,
    });
    expect(started.code, started.stderr).toBe(0);
    const id = started.stdout.trim();
    try {
      await expect
        .poll(async () => (await sh('docker', ['logs', id])).stderr, { timeout: 60_000, interval: 250 })
        .toContain(`applying ${sleeper}`);
      // the statement is really running in PostgreSQL when the signal arrives
      await expect
        .poll(
          () =>
            stack.psql(
              `select count(*) from pg_stat_activity where query like '%pg_sleep(60)%' and pid <> pg_backend_pid()`,
              'stopped',
            ),
          { timeout: 30_000, interval: 250 },
        )
        .toBe('1');
      const before = Date.now();
      const stop = await sh('docker', ['stop', '-t', '30', id]);
      const took = Date.now() - before;
      expect(stop.code, stop.stderr).toBe(0);
      expect(took).toBeLessThan(10_000);
      expect(await inspect('{{.State.ExitCode}} {{.State.OOMKilled}}', id)).toBe('143 false');
      expect((await sh('docker', ['logs', id])).stderr).toContain(
        `stopped by SIGTERM during ${sleeper}, which was rolled back`,
      );
      // the earlier migrations are recorded; the stopped one neither recorded nor visible
      expect(await stack.psql('select name from pgmigrations order by id', 'stopped')).toBe(MIGRATIONS.join('\n'));
      expect(await stack.psql(`select to_regclass('sleeper_marker') is null`, 'stopped')).toBe('t');
      expect(
        await stack.psql(
          `select count(*) from pg_stat_activity where query like '%pg_sleep(60)%' and pid <> pg_backend_pid()`,
          'stopped',
        ),
      ).toBe('0');
      expect(await stack.psql(`select count(*) from pg_locks where locktype = 'advisory'`, 'stopped')).toBe('0');
    } finally {
      await sh('docker', ['rm', '-f', id]);
    }
  });
});
