// `docker compose up` as users run it, with the image built from Dockerfile.migrate
// and the database image of DB_IMAGE (official pgvector/pgvector:pg18 by default).
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASELINE,
  buildImage,
  ComposeProject,
  DB_IMAGE,
  HEAD,
  IMAGE,
  MIGRATIONS,
  mountableFiles,
  mountableMigrations,
  NODE_IMAGE,
  overrideFile,
  ROOT,
  removeTemporaryFiles,
  sh,
} from '../support/docker.ts';
import { stateSql, withoutPartman } from '../support/mnemolite-fixtures.ts';
import { composeSnippet } from '../support/readme.ts';

const E2E = { timeout: 300_000 };
const projects: ComposeProject[] = [];
const project = (overrides: string[] = []) => {
  const p = new ComposeProject(overrides, 'compose');
  projects.push(p);
  return p;
};

beforeAll(buildImage, 600_000);
afterAll(async () => {
  const downs = await Promise.all(projects.map((p) => p.down()));
  removeTemporaryFiles();
  for (const down of downs) if (down.code !== 0) throw new Error(`compose down failed: ${down.stderr}`);
}, 120_000);

describe('docker compose up', () => {
  it('runs db + migrate: migrate exits 0 with the schema at head; a second run is a no-op', E2E, async () => {
    const stack = project();
    const up = await stack.run('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    const first = await stack.containerId('migrate');
    expect(await stack.exitCode('migrate')).toBe(0);
    expect(await stack.psql('select name from pgmigrations order by id')).toBe(MIGRATIONS.join('\n'));
    expect(
      await stack.psql(
        `select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'events'::regclass and attname = 'embedding'`,
      ),
    ).toBe('vector(768)');
    expect(await stack.psql(`select to_regclass('code_chunks') is not null`)).toBe('t');
    // pg_partman where the db image offers it (MnemoLite's own image; CI runs the stack on it), in its
    // schema as MnemoLite's init made it; nowhere on the official pgvector image
    expect(
      await stack.psql(
        `select (select count(*) from pg_available_extensions where name = 'pg_partman') || ':' || coalesce((select extnamespace::regnamespace::text from pg_extension where extname = 'pg_partman'), '-')`,
      ),
    ).toMatch(/^(1:partman|0:-)$/);
    expect((await stack.run('run', '--rm', 'migrate', 'verify')).code).toBe(0);
    // the API service is behind a profile: plain `up` does not create it
    expect((await stack.run('ps', '-aq', 'api')).stdout.trim()).toBe('');

    // again, as after a redeploy: a fresh migrate container against the migrated database
    expect((await stack.run('rm', '-fsv', 'migrate')).code).toBe(0);
    const again = await stack.run('up', '-d');
    expect(again.code, again.stderr).toBe(0);
    expect(await stack.containerId('migrate')).not.toBe(first);
    expect(await stack.exitCode('migrate')).toBe(0);
    expect((await stack.run('logs', 'migrate')).stdout).toContain(`database is up to date at ${HEAD}`);
    expect(await stack.psql('select count(*) from pgmigrations')).toBe(String(MIGRATIONS.length));
  });

  it(
    'adopts a real MnemoLite database created by its init scripts, by its whole catalog, keeping rows',
    E2E,
    async () => {
      // MnemoLite's db/init result (test/fixtures/mnemolite/init.sql), restored by the db image's own entrypoint;
      // DB_IMAGE may lack pg_partman, which nothing in MnemoLite uses
      const sql = withoutPartman(stateSql('init'));
      const rows = (table: string) =>
        String(sql.match(new RegExp(`^INSERT INTO public\\.${table} `, 'gm'))?.length ?? 0);
      const init = mountableFiles({ '01-mnemolite-init.sql': sql });
      const stack = project([
        overrideFile(`services:\n  db:\n    volumes:\n      - ${init}:/docker-entrypoint-initdb.d:ro\n`),
      ]);
      const up = await stack.run('up', '-d');
      expect(up.code, up.stderr).toBe(0);
      expect(await stack.exitCode('migrate')).toBe(0);
      const logs = (await stack.run('logs', 'migrate')).stdout;
      // db/init made the baseline, indexing_errors and the monitoring views (the last migration): those are
      // stamped, every other migration applied before the views' in chain order
      const views = MIGRATIONS.at(-1)!;
      expect(logs).toContain(
        `stamped 3 migrations (${BASELINE}, ${MIGRATIONS[1]}, ${views}) without running them: its catalog has what 3 migrations make`,
      );
      expect(logs).toContain(`${MIGRATIONS.length - 3} migrations to apply`);
      expect(await stack.psql('select name from pgmigrations order by id')).toBe(
        [BASELINE, MIGRATIONS[1], views, ...MIGRATIONS.slice(2, -1)].join('\n'),
      );
      // MnemoLite's rows survive, embeddings included
      expect(Number(rows('events'))).toBeGreaterThan(0);
      expect(await stack.psql('select count(*) from events')).toBe(rows('events'));
      expect(await stack.psql(`select count(*) from events where embedding is not null`)).toBe(
        String(sql.match(/^INSERT INTO public\.events .*'\[[-0-9.,]+\]'/gm)?.length ?? 0),
      );
      expect(await stack.psql('select count(*) from nodes')).toBe(rows('nodes'));
      expect(await stack.psql('select count(*) from edges')).toBe(rows('edges'));
      expect(await stack.psql('select count(*) from indexing_errors')).toBe(rows('indexing_errors'));
      expect(await stack.psql(`select to_regclass('memories') is not null`)).toBe('t');
      // and the migrate image agrees the schema is the chain's head
      const verify = await stack.run('run', '--rm', 'migrate', 'verify');
      expect(verify.code, verify.stderr).toBe(0);
    },
  );

  it(
    'a broken migration: migrate exits 1, the dependent service never starts, and up reports failure',
    E2E,
    async () => {
      const dir = mountableMigrations('20990101000000000_broken.sql');
      const stack = project([
        overrideFile(
          [
            'services:',
            '  migrate:',
            '    environment: { MIGRATIONS_DIR: /migrations }',
            `    volumes: ["${dir}:/migrations:ro"]`,
            '  dependent:',
            `    image: ${NODE_IMAGE}`,
            `    command: [node, -e, "console.log('started')"]`,
            '    depends_on: { migrate: { condition: service_completed_successfully } }',
            '',
          ].join('\n'),
        ),
      ]);
      // `up --exit-code-from` would report success for a one-shot service; `up -d` itself must fail
      const up = await stack.run('up', '-d');
      expect(up.code).not.toBe(0);
      expect(up.stderr).toMatch(/migrate.*didn't complete successfully: exit 1/);
      expect(await stack.exitCode('migrate')).toBe(1);
      const dependent = await stack.containerId('dependent');
      const { stdout: state } = await sh('docker', [
        'inspect',
        '-f',
        '{{.State.Status}} {{.State.StartedAt}}',
        dependent,
      ]);
      expect(state.trim()).toBe('created 0001-01-01T00:00:00Z');
      const logs = (await stack.run('logs', 'migrate')).stdout;
      expect(logs).toContain('migration 20990101000000000_broken failed and was rolled back');
      expect(logs).toContain('relation "no_such_table" does not exist');
      // everything before it applied, nothing of it left behind
      expect(await stack.psql('select name from pgmigrations order by id')).toBe(MIGRATIONS.join('\n'));
      expect(await stack.psql(`select to_regclass('half_done') is null`)).toBe('t');
    },
  );

  it(
    "the README's snippet in a compose file laid out as MnemoLite's: migrate adopts its database, creates the tests' one, both at head",
    E2E,
    async () => {
      // MnemoLite's layout (its docker-compose.yml): db on the `backend` network with the alias db, its
      // healthcheck, its volume, db/init mounted; its init stops where MnemoLite's own does (compose-half)
      const dir = mountableFiles({
        'docker-compose.yml': [
          'services:',
          '  db:',
          `    image: ${DB_IMAGE}`,
          '    environment:',
          '      POSTGRES_USER: ${POSTGRES_USER:-mnemo}',
          '      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-mnemopass}',
          '      POSTGRES_DB: ${POSTGRES_DB:-mnemolite}',
          '      POSTGRES_INITDB_ARGS: "--data-checksums"',
          '    volumes:',
          '      - postgres_data:/var/lib/postgresql',
          '      - ./db/init:/docker-entrypoint-initdb.d:ro',
          '    healthcheck:',
          '      test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-mnemo} -d $${POSTGRES_DB:-mnemolite} -q"]',
          '      interval: 1s',
          '      retries: 60',
          '    shm_size: 1g',
          '    networks:',
          '      backend:',
          '        aliases:',
          '          - db',
          '  api:',
          `    image: ${NODE_IMAGE}`,
          '    command: [node, -e, "console.log(\'api started\')"]',
          '    networks:',
          '      backend:',
          'networks:',
          '  backend:',
          '    driver: bridge',
          'volumes:',
          '  postgres_data:',
          '',
        ].join('\n'),
      });
      mkdirSync(join(dir, 'db/init'), { recursive: true, mode: 0o755 });
      chmodSync(join(dir, 'db'), 0o755);
      chmodSync(join(dir, 'db/init'), 0o755);
      const init = stateSql('compose-half');
      writeFileSync(join(dir, 'db/init/01-init.sql'), withoutPartman(init), { mode: 0o644 });
      // the snippet builds ./mnemolite-migrate; the image is there already under its name
      symlinkSync(ROOT, join(dir, 'mnemolite-migrate'));
      expect((await sh('docker', ['tag', IMAGE, 'mnemolite-migrate:local'])).code).toBe(0);
      const snippet = composeSnippet(readFileSync(join(ROOT, 'README.md'), 'utf8'));
      expect(snippet).toBeDefined();
      writeFileSync(join(dir, 'migrate.yaml'), snippet!);

      const stack = new ComposeProject([join(dir, 'migrate.yaml')], 'mnemolayout', join(dir, 'docker-compose.yml'));
      projects.push(stack);
      const up = await stack.run('up', '-d');
      expect(up.code, up.stderr).toBe(0);
      expect(await stack.exitCode('migrate')).toBe(0);
      const logs = (await stack.run('logs', 'migrate')).stdout;
      expect(logs).toContain('mnemolite: stamped 1 migration (20251001000000000_baseline)');
      expect(logs).toContain('mnemolite_test: created database mnemolite_test');
      for (const database of ['mnemolite', 'mnemolite_test'])
        expect(await stack.psql('select count(*) from pgmigrations', database)).toBe(String(MIGRATIONS.length));
      expect(await stack.exitCode('api')).toBe(0);
    },
  );
});
