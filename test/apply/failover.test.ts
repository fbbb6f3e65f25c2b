// A failover in the middle of a long step: the primary killed (SIGKILL, no shutdown) during a
// batched backfill or a CREATE INDEX CONCURRENTLY, its streaming replica promoted. The run fails
// with exit 4; `up` against the promoted replica finishes the job from what reached it — the
// backfill fills only what is pending there, the invalid index is built again — and `verify` is 0.
// Each test ends its primary, so each starts its own pair.
import { expect, it } from 'vitest';
import { runCli, startCli, waitForOutput } from '../support/cli.ts';
import { freshDatabase } from '../support/database.ts';
import { BACKFILL_MIGRATION, heldBackfill, ROWS } from '../support/held-backfill.ts';
import { heldIndexBuild, INDEX_MIGRATION } from '../support/held-index-build.ts';
import { startPrimaryWithReplica } from '../support/replicated-postgres.ts';

it('killed mid-backfill: exit 4; on the promoted replica `up` fills only what is pending there, each row once; verify 0', {
  timeout: 300_000,
}, async () => {
  const pair = await startPrimaryWithReplica();
  try {
    const db = await freshDatabase(pair.primary.url());
    const held = await heldBackfill(db);
    const onReplica = <T extends Record<string, unknown>>(sql: string) => pair.replica.query<T>(sql, db.name);
    const filledOnReplica = async () =>
      (await onReplica<{ n: number }>('select count(dst)::int as n from items'))[0]!.n;
    const { done } = startCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: held.dir });
    // batches before the gate committed, and some reached the replica; the one at the gate waits
    await expect.poll(held.waiting, { timeout: 60_000, interval: 100 }).toBe(true);
    await expect.poll(filledOnReplica, { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    const before = await held.filled();
    await pair.primary.kill();
    const cut = await done;
    expect(cut.code, cut.stderr).toBe(4);
    expect(cut.stderr).toContain(`during ${BACKFILL_MIGRATION}`);

    await pair.replica.promote();
    // what reached the replica was filled once; what did not is pending there
    const survived = await filledOnReplica();
    expect(survived).toBeLessThanOrEqual(before);
    const fills = async () =>
      Object.fromEntries(
        (await onReplica<{ fills: number; n: number }>('select fills, count(*)::int as n from items group by 1')).map(
          (row) => [row.fills, row.n],
        ),
      );
    expect(await fills()).toEqual({ 0: ROWS - survived, 1: survived });
    const env = { DATABASE_URL: pair.replica.url(db.name), MIGRATIONS_DIR: held.dir };
    const rerun = await runCli(['up'], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`filled ${ROWS - survived} rows of items in `);
    expect(await fills()).toEqual({ 1: ROWS });
    expect(await onReplica(`select name from pgmigrations where name = '${BACKFILL_MIGRATION}'`)).toHaveLength(1);
    const verify = await runCli(['verify'], env);
    expect(verify.code, verify.stderr).toBe(0);
  } finally {
    await pair.stop();
  }
});

it('killed mid-build: exit 4; on the promoted replica `up` builds again the index left invalid; verify 0', {
  timeout: 300_000,
}, async () => {
  const pair = await startPrimaryWithReplica();
  try {
    const db = await freshDatabase(pair.primary.url());
    const build = await heldIndexBuild(db);
    const index = (server: 'primary' | 'replica') =>
      (server === 'primary' ? pair.primary : pair.replica).query<{ valid: boolean }>(
        `select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'vectors_hnsw'`,
        db.name,
      );
    const { child, done } = startCli(['up'], {
      DATABASE_URL: db.url,
      MIGRATIONS_DIR: build.dir,
      MIGRATE_PROGRESS_INTERVAL: '0.2',
      MIGRATE_DDL_LOCK_TIMEOUT: '0',
    });
    // the build has made its index (invalid) and waits for the test's open write; the replica has the index too
    await waitForOutput(child, `still running ${INDEX_MIGRATION}: `, 60_000);
    await expect.poll(() => index('replica'), { timeout: 60_000, interval: 100 }).toEqual([{ valid: false }]);
    await pair.primary.kill();
    const cut = await done;
    expect(cut.code, cut.stderr).toBe(4);
    expect(cut.stderr).toContain(`during ${INDEX_MIGRATION}`);

    await pair.replica.promote();
    const env = { DATABASE_URL: pair.replica.url(db.name), MIGRATIONS_DIR: build.dir };
    const rerun = await runCli(['up'], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('invalid index vectors_hnsw');
    expect(rerun.stderr).toContain(`applied ${INDEX_MIGRATION}`);
    expect(await index('replica')).toEqual([{ valid: true }]);
    expect(
      await pair.replica.query<{ name: string; n: number }>(
        'select name, count(*)::int as n from pgmigrations group by name order by name',
        db.name,
      ),
    ).toEqual([
      { name: '20270101000000000_vectors', n: 1 },
      { name: INDEX_MIGRATION, n: 1 },
    ]);
    const verify = await runCli(['verify'], env);
    expect(verify.code, verify.stderr).toBe(0);
  } finally {
    await pair.stop();
  }
});
