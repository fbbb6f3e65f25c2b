// Hostile settings: whatever the environment holds, the runner answers with a
// readable message and the documented exit code, and the password never shows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { loadConfig } from '../../src/settings/config.ts';
import { redact, registerSecret } from '../../src/settings/redact.ts';
import { runCli } from '../support/cli.ts';

const SPECIAL = [...'@:/#?%&=+ !$\'"()*,;[]\\^`{|}~<>'];
const password = fc
  .array(
    fc.oneof(
      fc.constantFrom(...SPECIAL),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }),
      fc.constantFrom('é', '日本', '🔑', 'ß'),
    ),
    { minLength: 4, maxLength: 24 },
  )
  .map((parts) => `Pw${parts.join('')}`); // a recognisable prefix; at least 6 characters
const hostile = fc.oneof(
  fc.constant(''),
  fc.constant('   '),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ minLength: 5000, maxLength: 6000 }),
  fc.constantFrom('-1', '0', '65536', '1e9', 'NaN', '5432 ', 'verify-none', 'REQUIRE'),
);

// Every spelling the password can take in a URL or in output
const spellings = (pw: string) => [pw, encodeURIComponent(pw), encodeURI(pw), JSON.stringify(pw).slice(1, -1)];

function settle(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return redact([(error as ConfigError).message, ...(error as ConfigError).details].join('\n'));
  }
}

describe('settings from a hostile environment (property-based)', () => {
  it('never leak the password, however the URL spells it, and always read as a message', () => {
    let tried = 0;
    fc.assert(
      fc.property(
        password,
        fc.record(
          {
            POSTGRES_PORT: hostile,
            PGSSLMODE: hostile,
            MIGRATE_WAIT_TIMEOUT: hostile,
            EMBEDDING_DIMENSION: hostile,
            LOG_FORMAT: hostile,
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom('postgresql', 'postgres', 'postgresql+asyncpg', 'postgresql+psycopg2', 'mysql'),
        fc.constantFrom('encoded', 'raw', 'parts'),
        (pw, extra, scheme, spelling) => {
          tried++;
          const env: NodeJS.ProcessEnv =
            spelling === 'parts'
              ? { ...extra, POSTGRES_PASSWORD: pw }
              : {
                  ...extra,
                  DATABASE_URL: `${scheme}://mnemo:${spelling === 'raw' ? pw : encodeURIComponent(pw)}@db:5432/mnemolite`,
                };
          const output = settle(env);
          for (const form of spellings(pw)) expect(output).not.toContain(form);
          expect(output).not.toMatch(/\n\s+at |\[object /);
          if (output) expect(output.split('\n')[0]).toMatch(/^invalid configuration \(\d+ problems?\)$/);
        },
      ),
      { numRuns: 400 },
    );
    expect(tried).toBe(400);
  });

  it('the CLI exits 3 or 4 with no password on stdout or stderr', async () => {
    const samples = fc.sample(fc.tuple(password, hostile, fc.constantFrom('text', 'json')), {
      numRuns: 24,
      seed: 20261125,
    });
    for (const [pw, port, format] of samples) {
      const result = await runCli(['up'], {
        DATABASE_URL: `postgresql+asyncpg://mnemo:${encodeURIComponent(pw)}@127.0.0.1:1/mnemolite`,
        PGSSLMODE: 'disable',
        POSTGRES_PORT: port, // ignored when DATABASE_URL is set, but validated
        MIGRATE_WAIT_TIMEOUT: '0.2',
        LOG_FORMAT: format,
      });
      expect([3, 4]).toContain(result.code);
      for (const form of spellings(pw)) expect(result.stdout + result.stderr).not.toContain(form);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('redact', () => {
  it('masks credentials in any URL', () => {
    expect(redact('postgresql+asyncpg://u:anything@h/db')).toBe('postgresql+asyncpg://u:***@h/db');
    expect(redact('see mysql://root:s3cr%40t@h:3306/x and http://a:b@c')).toBe(
      'see mysql://root:***@h:3306/x and http://a:***@c',
    );
  });

  // every spelling registerSecret promises to mask: as given, percent-encoded
  // (upper- and lower-case hex, component or whole URI), inside JSON
  const forms: [string, (pw: string) => string][] = [
    ['as given', (pw) => pw],
    ['encodeURIComponent', encodeURIComponent],
    ['encodeURI', encodeURI],
    [
      'lower-case percent-encoding',
      (pw) => encodeURIComponent(pw).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    ],
    ['inside JSON', (pw) => JSON.stringify(pw).slice(1, -1)],
  ];
  for (const [spelling, spell] of forms) {
    it(`masks a registered secret ${spelling} (property-based)`, () => {
      fc.assert(
        fc.property(password, (pw) => {
          registerSecret(pw);
          const out = redact(`before ${spell(pw)} after`);
          expect(out).not.toContain(spell(pw));
          expect(out).toMatch(/^before .*\*\*\*.* after$/);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('masks a secret registered percent-encoded where it shows decoded (property-based)', () => {
    fc.assert(
      fc.property(password, (pw) => {
        registerSecret(encodeURIComponent(`${pw}decoded`));
        expect(redact(`a ${pw}decoded b`)).not.toContain(`${pw}decoded`);
      }),
      { numRuns: 200 },
    );
  });

  it('masks a secret registered with surrounding spaces where it shows trimmed (property-based)', () => {
    fc.assert(
      fc.property(password, (pw) => {
        registerSecret(`  ${pw}trimmed\n`);
        expect(redact(`a ${pw}trimmed b`)).not.toContain(`${pw}trimmed`);
      }),
      { numRuns: 200 },
    );
  });
});
