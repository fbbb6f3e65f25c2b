// `docker compose up` as users run it, with the image built from Dockerfile.migrate.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, ComposeProject, mountableMigrations, NODE_IMAGE, overrideFile, sh } from '../support/docker.ts';
import { HEAD } from '../support/migrations-dir.ts';

const E2E = { timeout: 300_000 };
const projects: ComposeProject[] = [];
const project = (overrides: string[] = []) => {
  const p = new ComposeProject(overrides);
  projects.push(p);
  return p;
};

beforeAll(buildImage, 600_000);
afterAll(async () => {
  await Promise.all(projects.map((p) => p.down()));
}, 120_000);

describe('docker compose up', () => {
  it('runs db + migrate: migrate exits 0 with the schema at head; a second run is a no-op', E2E, async () => {
    const stack = project();
    const up = await stack.run('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    expect(await stack.exitCode('migrate')).toBe(0);
    expect(await stack.psql('select name from pgmigrations order by id desc limit 1')).toBe(HEAD);
    expect(await stack.psql(`select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'events'::regclass and attname = 'embedding'`)).toBe('vector(768)');

    const again = await stack.run('run', '--rm', 'migrate');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`database is up to date at ${HEAD}`);
    expect(await stack.psql('select count(*) from pgmigrations')).toBe('4');
  });

  it('adopts a database created by init scripts (as MnemoLite did) by a verified stamp, keeping rows', E2E, async () => {
    const legacy = fileURLToPath(new URL('../fixtures/legacy-init', import.meta.url));
    const stack = project([overrideFile(`services:\n  db:\n    volumes:\n      - ${legacy}:/docker-entrypoint-initdb.d:ro\n`)]);
    expect((await stack.run('up', '-d')).code).toBe(0);
    expect(await stack.exitCode('migrate')).toBe(0);
    const logs = (await stack.run('logs', 'migrate')).stdout;
    expect(logs).toContain('stamped 20251001000000000_baseline without running it');
    expect(await stack.psql('select count(*) from events')).toBe('25');
    expect(await stack.psql(`select to_regclass('code_chunks') is not null`)).toBe('t');
  });

  it('a broken migration: migrate exits 1, the dependent service never starts, and up reports failure', E2E, async () => {
    const dir = mountableMigrations({ '20260101000000000_broken.sql': '-- Up Migration\ncreate table half_done (id int);\nselect * from no_such_table;\n' });
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
    const up = await stack.run('up', '-d');
    expect(up.code).not.toBe(0);
    expect(await stack.exitCode('migrate')).toBe(1);
    const dependent = await stack.containerId('dependent');
    const { stdout: started } = await sh('docker', ['inspect', '-f', '{{.State.StartedAt}}', dependent]);
    expect(started.trim()).toBe('0001-01-01T00:00:00Z');
    const logs = (await stack.run('logs', 'migrate')).stdout;
    expect(logs).toContain('migration 20260101000000000_broken failed and was rolled back');
    expect(logs).toContain('postgres: relation "no_such_table" does not exist');
    expect(await stack.psql(`select to_regclass('half_done') is null`)).toBe('t');
  });
});
