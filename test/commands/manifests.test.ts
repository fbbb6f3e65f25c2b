// The deployment examples cannot rot: every command, flag and variable they give
// the migrate image must be one the CLI and the settings accept, and the
// Kubernetes objects must validate against the Kubernetes schema.
import { readdirSync, readFileSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Secret } from 'kubernetes-models/v1/Secret';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { listMigrations } from '../../src/chain/migration-files.ts';
import { COMMANDS } from '../../src/commands/command-table.ts';
import { SETTING_NAMES } from '../../src/settings/config.ts';
import { SHIPPED_MIGRATIONS } from '../support/cli.ts';
import { ROOT } from '../support/docker.ts';
import { composeSnippet } from '../support/readme.ts';

interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  env?: { name: string }[];
}

const read = (path: string) => readFileSync(`${ROOT}/${path}`, 'utf8');
const MIGRATIONS = new Set(listMigrations(SHIPPED_MIGRATIONS).map((m) => m.name));

/** Problems with one invocation of the image: its arguments and environment variable names. */
function checkInvocation(where: string, args: string[], env: string[]): string[] {
  const problems: string[] = [];
  const [first, ...rest] = args.length ? args : ['up'];
  const command = first!.startsWith('-') ? 'up' : first!;
  const spec = COMMANDS[command as keyof typeof COMMANDS];
  if (!spec) return [`${where}: unknown command ${command}`];
  const flagged = first!.startsWith('-') ? args : rest;
  flagged.forEach((arg, i) => {
    if (arg.startsWith('-') && !spec.flags.includes(arg)) problems.push(`${where}: ${command} has no flag ${arg}`);
    if (flagged[i - 1] === '--to' && !MIGRATIONS.has(arg))
      problems.push(`${where}: --to ${arg} is not a shipped migration`);
  });
  for (const name of env) if (!SETTING_NAMES.includes(name)) problems.push(`${where}: unknown setting ${name}`);
  return problems;
}

const kubernetesDocuments = readdirSync(`${ROOT}/deploy/kubernetes`)
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(read(`deploy/kubernetes/${file}`)).map((doc, i) => ({
      where: `${file}#${i}`,
      object: doc.toJS(),
    })),
  );

describe('Kubernetes manifests', () => {
  it('validate against the Kubernetes schema', () => {
    expect(kubernetesDocuments.length).toBeGreaterThanOrEqual(4);
    const models = { Deployment, Job, Secret } as const;
    for (const { where, object } of kubernetesDocuments) {
      const Model = models[object.kind as keyof typeof models];
      expect(Model, `${where}: kind ${object.kind}`).toBeDefined();
      expect(() => new Model(object).validate(), where).not.toThrow();
    }
  });

  it('run the migrate image only with commands, flags and settings it accepts, hardened', () => {
    const migrateContainers = kubernetesDocuments.flatMap(({ where, object }) => {
      const pod = object.kind === 'Deployment' || object.kind === 'Job' ? object.spec.template.spec : undefined;
      return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]
        .filter((c: Container) => c.image.startsWith('mnemolite-migrate'))
        .map((c: Container) => ({ where: `${where}/${c.name}`, container: c, pod }));
    });
    expect(migrateContainers.length).toBe(3); // the initContainer, the Job, the rollback Job
    const problems = migrateContainers.flatMap(({ where, container }) => [
      ...(container.command ? [`${where}: command overrides the image's entrypoint`] : []),
      ...checkInvocation(
        where,
        container.args ?? [],
        (container.env ?? []).map((e) => e.name),
      ),
    ]);
    expect(problems).toEqual([]);
    for (const { where, container, pod } of migrateContainers) {
      const security = (container as Container & { securityContext: Record<string, unknown> }).securityContext;
      expect(security, where).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(pod.securityContext.runAsNonRoot, where).toBe(true);
      expect(
        (container.env ?? []).map((e) => e.name),
        where,
      ).toContain('POSTGRES_PASSWORD_FILE');
      expect((container as Container & { resources: object }).resources, where).toMatchObject({
        requests: {},
        limits: {},
      });
    }
  });

  it('the checks themselves catch a wrong flag, command, setting, target and schema violation', () => {
    const broken = structuredClone(kubernetesDocuments.find((d) => d.object.kind === 'Deployment')!.object);
    broken.spec.template.spec.initContainers[0].securityContext.runAsNonRoot = 'yes';
    expect(() => new Deployment(broken).validate()).toThrow();
    expect(checkInvocation('x', ['down', '--too', 'nope', '--yes'], ['POSTGRES_PASWORD'])).toEqual([
      'x: down has no flag --too',
      'x: unknown setting POSTGRES_PASWORD',
    ]);
    expect(checkInvocation('x', ['down', '--to', 'nope'], [])).toEqual(['x: --to nope is not a shipped migration']);
    expect(checkInvocation('x', ['upgrade'], [])).toEqual(['x: unknown command upgrade']);
  });
});

/** Every `docker run … mnemolite-migrate:<tag> args` line of a Markdown file: its -e names and its arguments. */
function dockerRuns(markdown: string): { line: string; env: string[]; args: string[] }[] {
  return markdown
    .replace(/\\\n\s*/g, ' ') // shell line continuations
    .split('\n')
    .filter((line) => /^\s*docker run /.test(line))
    .map((line) => {
      const words = line
        .replace(/\s+#.*$/, '')
        .trim()
        .split(/\s+/);
      const image = words.findIndex((w) => w.startsWith('mnemolite-migrate:'));
      const env = words.flatMap((w, i) =>
        words[i - 1] === '-e' || words[i - 1] === '--env' ? [w.split('=')[0]!] : [],
      );
      return { line, env, args: image < 0 ? ['<no mnemolite-migrate image>'] : words.slice(image + 1) };
    });
}

describe('compose.yaml, .env.example and the README snippet', () => {
  it('give migrate only settings it accepts, gate the API on its success, and keep it one-shot', () => {
    const compose = parseYaml(read('compose.yaml'));
    const migrate = compose.services.migrate;
    const command = typeof migrate.command === 'string' ? migrate.command.split(' ') : (migrate.command ?? []);
    expect(checkInvocation('compose.yaml/migrate', command, Object.keys(migrate.environment))).toEqual([]);
    expect(migrate.depends_on.db.condition).toBe('service_healthy');
    expect(migrate.restart).toBe('no');
    expect(migrate.read_only).toBe(true);
    expect(migrate.build).toMatchObject({
      dockerfile: 'Dockerfile.migrate',
      args: { NODE_IMAGE: '${NODE_IMAGE:-node:24-bookworm-slim}' },
    });
    expect(compose.services.api.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(compose.services.api.profiles).toEqual(['api']);
    expect(compose.services.db.image).toBe('${DB_IMAGE:-pgvector/pgvector:pg18}');
    expect(compose.services.db.healthcheck.test.join(' ')).toContain('pg_isready -h 127.0.0.1');
    expect(compose.services.db.volumes).toContainEqual(expect.stringMatching(/^pgdata:\/var\/lib\/postgresql(\s|$)/));
  });

  it('.env.example sets only variables compose.yaml reads', () => {
    const compose = read('compose.yaml');
    const names = [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB']));
    expect(names.filter((name) => !compose.includes(`\${${name}:-`) && !compose.includes(`\${${name}}`))).toEqual([]);
  });

  it('README: the compose snippet and docker run lines use only what the CLI accepts', () => {
    const markdown = read('README.md');
    const snippet = composeSnippet(markdown);
    expect(snippet).toBeDefined();
    const services = parseYaml(snippet!).services;
    expect(
      checkInvocation('README/migrate', services.migrate.command ?? [], Object.keys(services.migrate.environment)),
    ).toEqual([]);
    expect(services.migrate.depends_on.db.condition).toBe('service_healthy');
    expect(services.migrate.restart).toBe('no');
    expect(services.api.depends_on.migrate.condition).toBe('service_completed_successfully');
    // a scratch PostgreSQL for `snapshot` is the only other image the README runs; every other line runs migrate
    const scratch = (line: string) => /\spgvector\/pgvector:pg\d+\s*$/.test(line.replace(/\s+#.*$/, ''));
    const all = dockerRuns(markdown);
    expect(all.filter(({ line }) => scratch(line))).toHaveLength(1);
    const runs = all.filter(({ line }) => !scratch(line));
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.flatMap(({ line, env, args }) => checkInvocation(`README: ${line.trim()}`, args, env))).toEqual([]);
  });

  it('the Markdown checks catch a wrong flag or variable', () => {
    const runs = dockerRuns(
      'docker run --rm -e POSTGRES_PASWORD mnemolite-migrate:local down --to x --yess   # a comment',
    );
    expect(runs).toEqual([
      { line: expect.any(String), env: ['POSTGRES_PASWORD'], args: ['down', '--to', 'x', '--yess'] },
    ]);
    expect(checkInvocation('x', runs[0]!.args, runs[0]!.env)).toEqual([
      'x: --to x is not a shipped migration',
      'x: down has no flag --yess',
      'x: unknown setting POSTGRES_PASWORD',
    ]);
    expect(
      composeSnippet('<!-- compose-snippet:start -->\n```yaml\nservices: {}\n```\n<!-- compose-snippet:end -->'),
    ).toBe('services: {}\n');
  });
});

describe('versions', () => {
  it("the manifests run the image of package.json's version, and the Dockerfile labels it so", () => {
    const root = new URL('../../', import.meta.url);
    const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
    const tags = [
      'deploy/kubernetes/deployment.yaml',
      'deploy/kubernetes/job.yaml',
      'deploy/kubernetes/README.md',
    ].flatMap((file) =>
      [...readFileSync(new URL(file, root), 'utf8').matchAll(/mnemolite-migrate:(\d[\w.-]*)/g)].map(
        (m) => `${file} ${m[1]}`,
      ),
    );
    expect(tags.length).toBeGreaterThan(2);
    expect(tags.filter((tag) => !tag.endsWith(` ${version}`))).toEqual([]);
    expect(readFileSync(new URL('Dockerfile.migrate', root), 'utf8')).toContain(`ARG VERSION=${version}\n`);
  });
});
