import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { compareMigrationFileNames } from 'node-pg-migrate/utils/comparators';
import { describe, expect, it } from 'vitest';
import { listMigrations } from '../../src/chain/migration-files.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const utc = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/\D/g, ''));
const prefix = fc.oneof(
  fc.integer({ min: 1, max: 9999 }).map(String),
  fc.integer({ min: 1e12, max: 4e12 }).map(String),
  utc,
);
const name = fc
  .tuple(prefix, fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/), fc.constantFrom('.sql', '.ts', '.js'))
  .map(([p, n, ext]) => `${p}_${n}${ext}`);

describe('the order of migrations', () => {
  it("is node-pg-migrate's order, for numbered, Date.now() and 17-digit UTC names mixed", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { minLength: 1, maxLength: 30, selector: (file) => /^\d+/.exec(file)![0] }),
        (files) => {
          const numbers = files.map((file) => Number(/^\d+/.exec(file)![0]));
          fc.pre(new Set(numbers).size === files.length); // "0001" and "1" are one number: refused elsewhere
          const dir = mkdtempSync(join(tmpdir(), 'mm-order-'));
          for (const file of files) writeFileSync(join(dir, file), '-- Up Migration\n');
          const ours = listMigrations(dir).map((m) => m.path.slice(dir.length + 1));
          const theirs = files.toSorted((a, b) => compareMigrationFileNames(a, b, silent));
          expect(ours).toEqual(theirs);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a 17-digit prefix that is not a time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-order-'));
    writeFileSync(join(dir, '20251399000000000_bad.sql'), 'select 1;');
    expect(() => listMigrations(dir)).toThrow(/MIGRATIONS_DIR .* has files that cannot be migrations/);
  });
});

describe('the listing', () => {
  it('gives absolute paths and sha256 checksums of the bytes, from a relative directory as from an absolute one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-paths-'));
    writeFileSync(join(dir, '001_a.sql'), '-- Up Migration\nselect 1;\n');
    writeFileSync(join(dir, '002_b.ts'), 'export const up = () => undefined;\n');
    mkdirSync(join(dir, 'expected'));
    const absolute = listMigrations(`${dir}/`);
    expect(absolute.map((m) => m.path)).toEqual([join(dir, '001_a.sql'), join(dir, '002_b.ts')]);
    expect(absolute[0]!.checksum).toBe(createHash('sha256').update('-- Up Migration\nselect 1;\n').digest('hex'));
    expect(listMigrations(relative(process.cwd(), dir))).toEqual(absolute);
  });
});

describe('rewritten migrations', () => {
  it('list the former checksums of rewritten/<name>.txt, and none for the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-rewritten-'));
    writeFileSync(join(dir, '1_a.sql'), '-- a');
    writeFileSync(join(dir, '2_b.sql'), '-- b');
    mkdirSync(join(dir, 'rewritten'));
    writeFileSync(
      join(dir, 'rewritten', '1_a.txt'),
      `${'0'.repeat(64)} 0.2.0: the same, written otherwise\nnot a checksum\n`,
    );
    expect(listMigrations(dir).map((file) => [file.name, file.formerChecksums])).toEqual([
      ['1_a', ['0'.repeat(64)]],
      ['2_b', []],
    ]);
  });

  it("the shipped migrations rewritten since accept their former content: 0.2.0's and 0.3.0's halfvec backfill, 0.3.0's trigram index", () => {
    const shipped = listMigrations(fileURLToPath(new URL('../../migrations', import.meta.url)));
    const former = (name: string) => shipped.find((file) => file.name === name)?.formerChecksums;
    expect(former('20260326000001000_halfvec-backfill')).toEqual([
      '8c8ffa293deabafcb677e7b3173a407aebab2d3f863b34b76dc4e5f80d16c7b6',
      '3b4d272e4a4d33319e765429cfc75fa2c4d453826d78adddee3c77a80c82edbb',
    ]);
    expect(former('20251020000018000_memories-content-trgm-index')).toEqual([
      '9b2d838574ff16109548ade069a24490961ae651ab640af382d8b201860af51d',
    ]);
  });
});
