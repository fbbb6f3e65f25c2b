// When the quick look may answer `up` alone, and every reason it leaves the run to a session.
import { describe, expect, it } from 'vitest';
import type { HeadState } from '../../src/database/head-state.ts';
import { whySessionNeeded } from '../../src/decisions/quick-look.ts';
import { fileOf } from '../support/memory-session.ts';

const files = [fileOf('001_a'), fileOf('002_b')];
const KEY = 'expected catalogs dimension=768';
const applied = (names = ['001_a', '002_b']) =>
  names.map((name, i) => ({
    name,
    runOn: new Date(Date.UTC(2026, 0, 1 + i)),
    checksum: files.find((file) => file.name === name)?.checksum ?? 'f'.repeat(64),
  }));
const atHead = (change: Partial<HeadState> = {}): HeadState => ({
  pid: 41,
  announcedPid: 41,
  standby: false,
  locked: false,
  applied: applied(),
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

  it('leaves it to a session when the ledger is not the migrations on disk', () => {
    expect(whySessionNeeded(atHead({ applied: applied(['001_a']) }), files, KEY)).toBe('migrations are pending');
    const unrecorded = applied().map((row, i) => (i === 1 ? { ...row, checksum: null } : row));
    expect(whySessionNeeded(atHead({ applied: unrecorded }), files, KEY)).toBe('checksums are to be recorded');
    const edited = applied().map((row, i) => (i === 1 ? { ...row, checksum: 'e'.repeat(64) } : row));
    expect(whySessionNeeded(atHead({ applied: edited }), files, KEY)).toBe('the ledger has drifted');
    expect(whySessionNeeded(atHead({ applied: applied(['001_a', '002_b', '003_c']) }), files, KEY)).toBe(
      'the ledger has drifted',
    );
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
