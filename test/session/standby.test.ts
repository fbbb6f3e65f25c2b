// Pointed at a standby (a replica in hot standby, or one that takes no connections): the commands that
// write are refused at once with exit 4, nothing written; `status` and `verify` read it and say so.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import type { TestDatabase } from '../support/database.ts';
import { freshDatabase } from '../support/database.ts';
import { HEAD, MIGRATIONS } from '../support/migrations-dir.ts';
import { type ReplicatedPostgres, startPrimaryWithReplica } from '../support/replicated-postgres.ts';

let pair: ReplicatedPostgres;
let db: TestDatabase;
beforeAll(async () => {
  pair = await startPrimaryWithReplica();
  db = await freshDatabase(pair.primary.url());
  await pair.replica.caughtUp();
}, 180_000);
afterAll(() => pair?.stop());

const STANDBY_MESSAGE =
  /is a standby in recovery \(a read-only replica\), and `(\w+)` writes: point DATABASE_URL \(or MIGRATE_DATABASE_URL\) at the primary; nothing was done/;

it('`up` against the replica: exit 4 within 5 s, the message, nothing written on the primary', async () => {
  const started = performance.now();
  // a standby is a refusal, not a late start: MIGRATE_WAIT_TIMEOUT is not waited out
  const run = await runCli(['up'], { DATABASE_URL: pair.replica.url(db.name), MIGRATE_WAIT_TIMEOUT: '60' });
  const seconds = (performance.now() - started) / 1000;
  expect(run.code, run.stderr).toBe(4);
  expect(seconds).toBeLessThan(5);
  expect(run.stderr).toMatch(STANDBY_MESSAGE);
  expect(run.stderr).toContain(`${db.name} is a standby in recovery`);
  expect(run.stderr).not.toContain('    at '); // no stack trace
  expect(await db.query(`select count(*)::int as n from pg_class where relnamespace = 'public'::regnamespace`)).toEqual(
    [{ n: 0 }],
  );
});

it('every command that writes is refused there the same way', { timeout: 120_000 }, async () => {
  const env = { DATABASE_URL: pair.replica.url(db.name) };
  for (const args of [['down', '--count', '1', '--yes'], ['stamp', MIGRATIONS[0]!], ['repair'], ['snapshot']]) {
    const run = await runCli(args, env);
    expect(run.code, `${args[0]}: ${run.stderr}`).toBe(4);
    expect(run.stderr.match(STANDBY_MESSAGE)?.[1]).toBe(args[0]);
  }
});

it('`status` and `verify` read the replica, and say that they read one', { timeout: 120_000 }, async () => {
  const migrated = await runCli(['up'], { DATABASE_URL: db.url });
  expect(migrated.code, migrated.stderr).toBe(0);
  await pair.replica.caughtUp();
  const env = { DATABASE_URL: pair.replica.url(db.name) };
  // at head, with the schema check recorded on the primary and replicated: `up` is still refused there
  const again = await runCli(['up'], { DATABASE_URL: db.url });
  expect(again.code, again.stderr).toBe(0);
  await pair.replica.caughtUp();
  const atHead = await runCli(['up'], env);
  expect(atHead.code, atHead.stderr).toBe(4);
  expect(atHead.stderr).toMatch(STANDBY_MESSAGE);
  const status = await runCli(['status'], env);
  expect(status.code, status.stderr).toBe(0);
  expect(status.stdout).toContain('read on a standby in recovery (a replica): it may lag behind the primary');
  expect(status.stdout).toContain('pending (0):');
  expect(status.stderr).toContain('`status` reads a replica, which may lag behind the primary');
  const verify = await runCli(['verify'], env);
  expect(verify.code, verify.stderr).toBe(0);
  expect(verify.stdout).toContain(`ok: database is at ${HEAD} (read on a standby in recovery, a replica`);
  const json = await runCli(['verify', '--json'], env);
  expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, standby: true });
  // and the primary is no standby
  expect(JSON.parse((await runCli(['status', '--json'], { DATABASE_URL: db.url })).stdout).standby).toBe(false);
});

it('a standby that takes no connections (hot_standby = off): exit 4 within 5 s, not a wait', {
  timeout: 240_000,
}, async () => {
  const cold = await pair.addReplica('replica2', { hotStandby: false });
  for (const command of ['up', 'status']) {
    const started = performance.now();
    const run = await runCli([command], { DATABASE_URL: cold.url(db.name), MIGRATE_WAIT_TIMEOUT: '60' });
    expect(run.code, run.stderr).toBe(4);
    expect((performance.now() - started) / 1000).toBeLessThan(5);
    expect(run.stderr).toContain(
      `${db.name} is a standby in recovery (a read-only replica), and it accepts no connections (hot_standby = off): point DATABASE_URL`,
    );
  }
});
