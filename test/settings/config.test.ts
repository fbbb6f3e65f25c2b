import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { loadConfig, SETTING_NAMES } from '../../src/settings/config.ts';
import { redact } from '../../src/settings/redact.ts';
import { runCli } from '../support/cli.ts';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [(error as ConfigError).message, ...(error as ConfigError).details];
  }
  throw new Error('expected a ConfigError');
};

const secretFile = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'mm-secret-')), 'secret');
  writeFileSync(path, content);
  return path;
};

describe('connection settings', () => {
  it('MIGRATE_DATABASES: every listed database on the same server, in order, the URL database kept for creating them', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://u:secret@h:5433/mnemolite',
      MIGRATE_DATABASES: ' mnemolite, mnemolite_test,mnemolite ',
    });
    expect(
      config.databases.map((d) => [d.client.database, d.client.host, d.client.port, d.client.password, d.display]),
    ).toEqual([
      ['mnemolite', 'h', 5433, 'secret', 'u@h:5433/mnemolite'],
      ['mnemolite_test', 'h', 5433, 'secret', 'u@h:5433/mnemolite_test'],
    ]);
    expect(config.database.client.database).toBe('mnemolite');
    expect(loadConfig({ POSTGRES_PASSWORD: 'x' }).databases.map((d) => d.client.database)).toEqual(['mnemolite']);
  });

  it('MIGRATE_DATABASES: a name that is not one is a configuration problem', () => {
    expect(problemsOf({ POSTGRES_PASSWORD: 'x', MIGRATE_DATABASES: 'mnemolite,bad name;drop' })).toContain(
      'MIGRATE_DATABASES: "bad name;drop" is not a database name (letters, digits, _ $ -)',
    );
  });

  it('builds the URL from POSTGRES_* parts with MnemoLite defaults, encoding the password', () => {
    const config = loadConfig({ POSTGRES_PASSWORD: 'p@ss:w/rd#1' });
    expect(config.database.client).toMatchObject({
      host: 'db',
      port: 5432,
      user: 'mnemo',
      password: 'p@ss:w/rd#1',
      database: 'mnemolite',
    });
    expect(config.database.display).toBe('mnemo@db:5432/mnemolite');
  });

  it('accepts SQLAlchemy-style URLs and normalises them', () => {
    for (const scheme of ['postgresql+asyncpg', 'postgresql+psycopg2', 'postgres', 'postgresql']) {
      const config = loadConfig({ DATABASE_URL: `${scheme}://u:p%40ss@h.example:6543/db1` });
      expect(config.database.client).toMatchObject({
        host: 'h.example',
        port: 6543,
        user: 'u',
        password: 'p@ss',
        database: 'db1',
      });
    }
  });

  it('honours sslmode in the URL and PGSSLMODE, the URL winning', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@h/db?sslmode=require' }).database.client.ssl).toEqual({
      rejectUnauthorized: false,
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@h/db', PGSSLMODE: 'verify-full' }).database.client.ssl).toEqual(
      { rejectUnauthorized: true },
    );
    expect(
      loadConfig({ DATABASE_URL: 'postgresql://u:p@h/db?sslmode=disable', PGSSLMODE: 'require' }).database.client.ssl,
    ).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgresql+asyncpg://u:p@h/db?ssl=require' }).database.client.ssl).toEqual({
      rejectUnauthorized: false,
    });
  });

  it('a choice that is a name every object has (__proto__, constructor) is refused like any other', () => {
    for (const value of ['__proto__', 'constructor', 'toString'])
      expect(problemsOf({ DATABASE_URL: 'postgresql://u:p@h/db', PGSSLMODE: value }).join('\n')).toContain(
        'PGSSLMODE: must be one of disable, allow',
      );
  });

  it('reads DATABASE_URL_FILE and POSTGRES_PASSWORD_FILE, trimming the trailing newline', () => {
    expect(loadConfig({ POSTGRES_PASSWORD_FILE: secretFile('from-a-file\n') }).database.client.password).toBe(
      'from-a-file',
    );
    const url = loadConfig({ DATABASE_URL_FILE: secretFile('postgresql://a:b@c:1/d\n') });
    expect(url.database.client).toMatchObject({ host: 'c', port: 1, user: 'a', password: 'b', database: 'd' });
  });

  it('MIGRATE_DATABASE_URL (or its _FILE) wins over a pooled DATABASE_URL; both are secrets', () => {
    const env = {
      DATABASE_URL: 'postgresql://api:pooled-Pw1@pgbouncer:6432/mnemolite',
      MIGRATE_DATABASE_URL: 'postgresql://owner:direct-Pw2@db:5432/mnemolite',
    };
    const config = loadConfig(env);
    expect(config.database.client).toMatchObject({ host: 'db', port: 5432, user: 'owner', password: 'direct-Pw2' });
    expect(config.database.display).toBe('owner@db:5432/mnemolite');
    expect(redact('pooled-Pw1 direct-Pw2')).toBe('*** ***');
    const fromFile = loadConfig({
      ...env,
      MIGRATE_DATABASE_URL: undefined,
      MIGRATE_DATABASE_URL_FILE: secretFile(`${env.MIGRATE_DATABASE_URL}\n`),
    });
    expect(fromFile.database.client).toMatchObject({ host: 'db', user: 'owner' });
    expect(problemsOf({ MIGRATE_DATABASE_URL: 'mysql://x@y/z' }).join('\n')).toContain('MIGRATE_DATABASE_URL: ');
  });

  it('refuses a variable and its _FILE together', () => {
    const problems = problemsOf({ POSTGRES_PASSWORD: 'x', POSTGRES_PASSWORD_FILE: secretFile('y') });
    expect(problems.join('\n')).toContain('POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are both set');
  });
});

describe('validation', () => {
  it('names both dimensions when they differ', () => {
    const problems = problemsOf({ EMBEDDING_DIMENSION: '768', CODE_EMBEDDING_DIMENSION: '384' });
    expect(problems.join('\n')).toContain('CODE_EMBEDDING_DIMENSION (384) must equal EMBEDDING_DIMENSION (768)');
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      POSTGRES_PORT: 'abc',
      MIGRATE_WAIT_TIMEOUT: '-1',
      LOG_FORMAT: 'xml',
      MIGRATIONS_TABLE: 'Bad-Name',
      EMBEDDING_DIMENSION: 'many',
    });
    expect(problems[0]).toBe('invalid configuration (5 problems)');
    for (const name of [
      'POSTGRES_PORT',
      'MIGRATE_WAIT_TIMEOUT',
      'LOG_FORMAT',
      'MIGRATIONS_TABLE',
      'EMBEDDING_DIMENSION',
    ]) {
      expect(
        problems.some((p) => p.startsWith(`${name}:`)),
        name,
      ).toBe(true);
    }
  });

  it("accepts MnemoLite's spellings: LOG_LEVEL=INFO, WARNING, CRITICAL", () => {
    expect(loadConfig({ LOG_LEVEL: 'INFO' }).log.level).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'WARNING' }).log.level).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'CRITICAL' }).log.level).toBe('error');
  });

  it('reads an empty DATABASE_URL (or _FILE) as unset, like compose does', () => {
    const config = loadConfig({
      DATABASE_URL: '',
      DATABASE_URL_FILE: ' ',
      POSTGRES_HOST: 'pg.internal',
      POSTGRES_PASSWORD: 'x y z',
    });
    expect(config.database.client).toMatchObject({
      host: 'pg.internal',
      user: 'mnemo',
      password: 'x y z',
      database: 'mnemolite',
    });
  });

  it('explains a URL with unencoded special characters without echoing it', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgresql://user:p@ss:w/rd#1@host/db' });
    expect(problems.join('\n')).toMatch(/DATABASE_URL: /);
    expect(redact(problems.join('\n'))).not.toContain('w/rd#1');
    expect(problems.join('\n')).not.toContain('w/rd#1');
  });

  it('lists every setting it reads', () => {
    expect(SETTING_NAMES).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'POSTGRES_PASSWORD_FILE', 'MIGRATE_LOCK_TIMEOUT', 'LOG_FORMAT']),
    );
  });
});

describe('the CLI on bad settings', () => {
  it('exits 3 with every problem, no stack trace and no password', async () => {
    const result = await runCli(['up'], {
      DATABASE_URL: 'postgresql+asyncpg://mnemo:S3cr3t%2Fpw@db/mnemolite?sslmode=sometimes',
      EMBEDDING_DIMENSION: '768',
      CODE_EMBEDDING_DIMENSION: '1024',
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('invalid configuration (2 problems)');
    expect(result.stderr).toContain('sslmode=sometimes');
    expect(result.stderr).toContain('CODE_EMBEDDING_DIMENSION (1024)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout + result.stderr).not.toMatch(/S3cr3t/);
  });

  it('prints one JSON object when LOG_FORMAT=json', async () => {
    const result = await runCli([], { LOG_FORMAT: 'json', POSTGRES_PORT: '99999' });
    expect(result.code).toBe(3);
    const line = JSON.parse(result.stderr.trim());
    expect(line).toMatchObject({ level: 'error', exit_code: 3 });
    expect(line.details[0]).toMatch(/^POSTGRES_PORT: /);
  });
});

describe('empty variables', () => {
  it('an empty value is unset, for every variable the settings read (compose passes VAR:- as empty)', () => {
    const base = { DATABASE_URL: 'postgresql://u:p@db:5432/mnemolite' };
    const unset = loadConfig(base);
    for (const name of [...SETTING_NAMES, 'DATABASE_URL', 'MIGRATE_DATABASE_URL', 'POSTGRES_PASSWORD_FILE']) {
      if (name === 'DATABASE_URL') continue; // the base names the database
      expect(loadConfig({ ...base, [name]: '' }), name).toEqual(unset);
      expect(loadConfig({ ...base, [name]: '  ' }), name).toEqual(unset);
    }
    expect(loadConfig({ ...base, DATABASE_URL: '', POSTGRES_HOST: 'db' }).database.display).toBe(
      'mnemo@db:5432/mnemolite',
    );
  });

  it('one dimension variable set gives the other its value: the unset one is never blamed', () => {
    const config = loadConfig({ EMBEDDING_DIMENSION: '1024' });
    expect(config.embedding).toMatchObject({ dimension: 1024, codeDimension: 1024, setBy: ['EMBEDDING_DIMENSION'] });
    expect(loadConfig({}).embedding).toMatchObject({ dimension: 768, codeDimension: 768, setBy: [] });
  });
});
