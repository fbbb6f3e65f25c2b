// With real processes: runners that arrive while another is applying a
// migration (held at a gate the test controls) wait for it and decide from the
// finished ledger; verify and status say a migration is in progress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, waitForOutput } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { closedGate, HELD_MIGRATION, heldMigrationFile } from '../support/held-migration.ts';
import { HEAD, migrationsDir } from '../support/migrations-dir.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

describe('a runner arriving while another is migrating', () => {
  it('waits: an older image then refuses (6) naming the newer migration, the same image finds nothing to do (0); verify says 7 meanwhile', {
    timeout: 240_000,
  }, async () => {
    const older = migrationsDir({});
    const newer = migrationsDir(heldMigrationFile);
    const env = (dir: string) => ({ DATABASE_URL: db.url, MIGRATIONS_DIR: dir, MIGRATE_LOCK_TIMEOUT: '180' });
    expect((await runCli(['up'], env(older))).code).toBe(0);

    const gate = await closedGate(db);
    try {
      const holder = startCli(['up'], { ...env(newer), LOG_FORMAT: 'json' });
      await expect.poll(() => gate.waiting(), { timeout: 60_000, interval: 100 }).toBe(true);
      // The holder is inside HELD_MIGRATION; its ledger row is not committed. A runner that
      // read that ledger without waiting said "up to date at HEAD" and exited 0 here.
      const olderUp = startCli(['up'], env(older));
      const sameUp = startCli(['up'], env(newer));
      const waiting = 'another runner holds the migration lock';
      await Promise.all([waitForOutput(olderUp.child, waiting, 60_000), waitForOutput(sameUp.child, waiting, 60_000)]);

      const verify = await runCli(['verify'], env(older));
      expect(verify.code).toBe(7);
      expect(verify.stderr).toContain('a migration is in progress: pid ');
      const status = await runCli(['status', '--json'], env(newer));
      expect(status.code).toBe(0);
      const holding = JSON.parse(status.stdout) as {
        lock_holder: { pid: number; application_name: string; since: string } | null;
        pending: string[];
      };
      expect(holding.lock_holder).toMatchObject({
        application_name: 'mnemolite-migrate',
        pid: expect.any(Number),
        since: expect.any(String),
      });
      expect(holding.pending).toEqual([HELD_MIGRATION]);
      expect(await gate.waiting()).toBe(true); // still held: every answer above came during the migration
      expect(olderUp.child.exitCode).toBeNull();
      expect(sameUp.child.exitCode).toBeNull();

      await gate.open();
      const [held, olderResult, sameResult] = await Promise.all([holder.done, olderUp.done, sameUp.done]);
      expect(held.code).toBe(0);
      expect(olderResult.code).toBe(6);
      expect(olderResult.stderr).toContain('the database is ahead of these migrations');
      expect(olderResult.stderr).toContain(`${HELD_MIGRATION}: applied on`);
      expect(olderResult.stderr).not.toContain(`database is up to date at ${HEAD}`);
      expect(sameResult.code).toBe(0);
      expect(sameResult.stderr).toContain(`database is up to date at ${HELD_MIGRATION}`);

      const after = await runCli(['verify'], env(newer));
      expect(after.code).toBe(0);
      expect(JSON.parse((await runCli(['status', '--json'], env(newer))).stdout).lock_holder).toBeNull();
    } finally {
      await gate.open();
    }
  });
});
