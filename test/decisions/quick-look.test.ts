// When the quick look may answer `up` alone, and every reason it leaves the run to a session.
import { describe, expect, it } from 'vitest';
import type { HeadState } from '../../src/database/head-state.ts';
import { ledgerDigestOf } from '../../src/database/ledger-sql.ts';
import { whySessionNeeded } from '../../src/decisions/quick-look.ts';
import { fileOf } from '../support/memory-session.ts';

const files = [fileOf('001_a'), fileOf('002_b')];
const KEY = 'expected catalogs dimension=768';
/** the server's digest of these ledger rows: a checksum not recorded is `-` (ledgerDigestSql) */
const ledger = (rows: { name: string; checksum?: string | null }[]) =>
  ledgerDigestOf(
    rows.map(({ name, checksum }) => ({
      name,
      checksum:
        checksum === undefined
          ? (files.find((file) => file.name === name)?.checksum ?? 'f'.repeat(64))
          : (checksum ?? '-'),
    })),
  );
const applied = (names = ['001_a', '002_b']) => ledger(names.map((name) => ({ name })));
const atHead = (change: Partial<HeadState> = {}): HeadState => ({
  pid: 41,
  announcedPid: 41,
  standby: false,
  locked: false,
  ledger: applied(),
  fingerprint: 'f1',
  schemaChecks: new Map([[KEY, 'f1']]),
  ...change,
});

describe('the quick look', () => {
  it('answers alone when every migration is applied as on disk and the schema was checked at this catalog', () => {
    expect(whySessionNeeded(atHead(), files, KEY)).toBeUndefined();
  });

  it('leaves the run to a session behind a pooler, first of all', () => {
    expect(whySessionNeeded(atHead({ announcedPid: 7, locked: true }), files, KEY)).toBe('a pooler answers');
  });

  it('leaves a standby to the session, which refuses it: even at head, up does not answer from a replica', () => {
    expect(whySessionNeeded(atHead({ standby: true }), files, KEY)).toBe('the server is a standby');
  });

  it('leaves it to a session while another runner holds the lock', () => {
    expect(whySessionNeeded(atHead({ locked: true }), files, KEY)).toBe('the migration lock is held');
  });

  it('leaves it to a session when the ledger is not the migrations on disk: pending, unrecorded, edited, missing', () => {
    const not = 'the ledger is not the migrations on disk';
    expect(whySessionNeeded(atHead({ ledger: applied(['001_a']) }), files, KEY)).toBe(not);
    expect(
      whySessionNeeded(atHead({ ledger: ledger([{ name: '001_a' }, { name: '002_b', checksum: null }]) }), files, KEY),
    ).toBe(not);
    expect(
      whySessionNeeded(
        atHead({ ledger: ledger([{ name: '001_a' }, { name: '002_b', checksum: 'e'.repeat(64) }]) }),
        files,
        KEY,
      ),
    ).toBe(not);
    expect(whySessionNeeded(atHead({ ledger: applied(['001_a', '002_b', '003_c']) }), files, KEY)).toBe(not);
  });

  it('digests the ledger whatever order its rows come in, the names in byte order', () => {
    const rows = [
      { name: '010_alpha', checksum: 'a'.repeat(64) },
      { name: '010_Zeta', checksum: 'b'.repeat(64) },
    ];
    expect(ledgerDigestOf(rows)).toBe(ledgerDigestOf(rows.toReversed()));
    expect(ledgerDigestOf(rows)).not.toBe(ledgerDigestOf([rows[0]!, { ...rows[1]!, checksum: 'c'.repeat(64) }]));
  });

  it('leaves it to a session when the schema was not found right at this catalog, or cannot be compared', () => {
    expect(whySessionNeeded(atHead({ fingerprint: 'f2' }), files, KEY)).toBe(
      'the schema was not checked at this catalog',
    );
    expect(whySessionNeeded(atHead({ schemaChecks: new Map() }), files, KEY)).toBe(
      'the schema was not checked at this catalog',
    );
    expect(whySessionNeeded(atHead(), files, 'expected catalogs dimension=1024')).toBe(
      'the schema was not checked at this catalog',
    );
    expect(whySessionNeeded(atHead(), files, undefined)).toBe('a migration has no expected catalog');
  });
});
