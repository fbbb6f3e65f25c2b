// Which extensions stop `up` before it runs anything, and what the message tells the administrator.
import { describe, expect, it } from 'vitest';
import { missingExtensions, requiredExtensions } from '../../src/decisions/required-extensions.ts';
import { fileOf } from '../support/memory-session.ts';

const where = { role: 'mnemo', database: 'mnemolite' };

describe('extensions the pending migrations need', () => {
  it('are read from top-level CREATE EXTENSION; one inside a DO block is optional', async () => {
    const files = [
      fileOf(
        '001_a',
        '-- Up Migration\ncreate extension if not exists vector schema public;\ncreate table t (id int);\n',
      ),
      fileOf(
        '002_b',
        '-- Up Migration\nCREATE EXTENSION pg_trgm;\nDO $$ BEGIN IF true THEN CREATE EXTENSION IF NOT EXISTS pg_partman; END IF; END $$;\n',
      ),
      fileOf('003_c', '-- Up Migration\ncreate table u (id int);\n'),
    ];
    expect(await requiredExtensions(files)).toEqual(['vector', 'pg_trgm']);
  });

  it('only those neither installed nor creatable by the role stop it, each with the SQL to run', () => {
    const error = missingExtensions(
      [
        { name: 'vector', installed: false, available: true, creatable: false },
        { name: 'pg_trgm', installed: false, available: true, creatable: true },
        { name: 'pgcrypto', installed: true, available: true, creatable: false },
        { name: 'postgis', installed: false, available: false, creatable: false },
      ],
      where,
    );
    expect(error?.exitCode).toBe(3);
    expect(error?.message).toBe(
      'the pending migrations need extensions vector, postgis, which role mnemo may not create; nothing was run',
    );
    expect(error?.details).toEqual([
      'vector: as a superuser, in database mnemolite: CREATE EXTENSION IF NOT EXISTS vector;',
      'postgis: not available on this server: install its package on the server, then as a superuser, in database mnemolite: CREATE EXTENSION IF NOT EXISTS postgis;',
    ]);
    expect(missingExtensions([{ name: 'pg_trgm', installed: false, available: true, creatable: true }], where)).toBe(
      undefined,
    );
  });
});
