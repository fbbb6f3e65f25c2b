// Runs migrations through node-pg-migrate's runner() on our own connection, with
// our lock already held. Around it: which migration is running and for how long,
// what exactly failed (file, statement, PostgreSQL's message), retries when a
// DDL lock is not granted in time, cancellation on SIGINT / SIGTERM, and a wait
// for lagging replicas before each index build (replica-throttle.ts). A
// migration that declares a backfill has it run here as its up (backfill.ts).
import { basename, extname } from 'node:path';
import type { MigrationBuilder } from 'node-pg-migrate';
import type pg from 'pg';
import { declaredBackfills } from '../chain/backfill-declaration.ts';
import { MIGRATION_EXTENSIONS } from '../chain/migration-files.ts';
import { loadMigration } from '../chain/migration-loader.ts';
import { LEDGER_SCHEMA } from '../database/ledger-sql.ts';
import { LockNotGranted, SharedMemoryTooSmall } from '../errors.ts';
import type { ApplyRequest, Session } from '../session/session.ts';
import { backoff, sleep } from '../signals.ts';
import { type IndexBuild, indexBuildsIn } from '../sql/index-builds.ts';
import { runBackfills } from './backfill.ts';
import { BuildSizing } from './build-sizing.ts';
import { explainFailure, interrupted, type Running } from './failure-report.ts';
import { ProgressReporter } from './progress.ts';
import { ReplicaThrottle } from './replica-throttle.ts';

type Action = ((pgm: MigrationBuilder, run?: () => void) => Promise<void> | void) | false | undefined;
interface Actions {
  up?: Action;
  down?: Action;
  [key: string]: unknown;
}

const DDL_ATTEMPTS = 3;

/** Returns the names of the migrations run, in the order they ran. */
export async function applyMigrations(session: Session, request: ApplyRequest): Promise<string[]> {
  // Commits need not wait for the disk one by one: the synchronous commit at the
  // end flushes the WAL of all of them before we report anything, and a crash
  // before that loses whole migrations, ledger rows included, which the next
  // run applies again.
  await session.database.setSynchronousCommit(false);
  try {
    return await applyWithRetries(session, request);
  } finally {
    await session.database.setSynchronousCommit(true).catch(() => undefined);
  }
}

async function applyWithRetries(session: Session, request: ApplyRequest): Promise<string[]> {
  const done: string[] = [];
  let parallelWorkers = session.config.parallelWorkers;
  for (let attempt = 1; ; attempt++) {
    try {
      done.push(
        ...(await runOnce(
          session,
          request.count === undefined ? request : { ...request, count: request.count - done.length },
          parallelWorkers,
        )),
      );
      return done;
    } catch (error) {
      if (error instanceof SharedMemoryTooSmall && parallelWorkers > 0) {
        // the build never started; without workers it needs no shared memory segment
        session.log.warn(
          `${error.failure.message}: the database server's shared memory (/dev/shm) is too small for a parallel index build with this maintenance_work_mem; running it again without parallel workers. Give the database more (compose: shm_size: 1g), or set MIGRATE_PARALLEL_WORKERS=0`,
          { migration: error.migration },
        );
        for (const line of error.failure.details.filter((d) => d.startsWith('postgres:')))
          session.log.warn(`  ${line}`, { migration: error.migration });
        parallelWorkers = 0;
        attempt--; // not one of the DDL lock attempts
        continue;
      }
      if (!(error instanceof LockNotGranted) || attempt >= DDL_ATTEMPTS)
        throw error instanceof LockNotGranted || error instanceof SharedMemoryTooSmall ? error.failure : error;
      const pause = backoff(attempt, 1000, 8000);
      session.log.warn(
        `${error.failure.message}; retrying in ${(pause / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${DDL_ATTEMPTS})`,
        {
          migration: error.migration,
        },
      );
      for (const line of error.failure.details) session.log.warn(`  ${line}`);
      await sleep(pause, session.signals.abortSignal);
      if (session.signals.received) throw interrupted(session, error.migration);
    }
  }
}

/** What is running, for the log, the heartbeats and the failure report: one migration at a time. */
class RunningMigration {
  current: Running | undefined;

  constructor(
    private readonly verb: 'applying' | 'reverting',
    private readonly log: Session['log'],
    readonly progress: ProgressReporter,
  ) {}

  begin(name: string, path: string, pgm: MigrationBuilder): void {
    this.finish();
    this.current = { name, path, started: performance.now(), pgm };
    this.log.info(`${this.verb} ${name}`, { migration: name });
    this.progress.start(name);
  }

  /** The one running ended well: its line with the time it took. */
  finish(): void {
    this.progress.stop();
    if (!this.current) return;
    const { name, started } = this.current;
    this.log.info(`${this.verb === 'applying' ? 'applied' : 'reverted'} ${name}`, {
      migration: name,
      duration_ms: Math.round(performance.now() - started),
    });
    this.current = undefined;
  }

  /** The action wrapped so that its start is seen; with the action's arity, which node-pg-migrate inspects. */
  track(name: string, path: string, action: Action): Action {
    if (typeof action !== 'function') return action;
    if (action.length < 2)
      return (pgm) => {
        this.begin(name, path, pgm);
        return action(pgm);
      };
    return (pgm, run) => {
      this.begin(name, path, pgm);
      return action(pgm, run);
    };
  }
}

/** node-pg-migrate's loader strategy: our loader, each action tracked, a declared backfill run as the up. */
function migrationLoader(session: Session, running: RunningMigration, replicas: ReplicaThrottle) {
  return async (paths: string[]) => {
    const units = [];
    for (const path of paths) {
      const name = basename(path, extname(path));
      const actions = (await loadMigration(path)) as Actions;
      const backfills = declaredBackfills(actions, path);
      // outside a transaction: each batch commits on its own
      const backfill = (pgm: MigrationBuilder) => {
        pgm.noTransaction();
        return runBackfills(backfills!, {
          ...session,
          migration: name,
          replicas,
          follow: (p) => running.progress.follow(p),
          noting: (sql) => {
            if (running.current) running.current.statement = sql;
          },
        });
      };
      const up = running.track(name, path, backfills ? backfill : actions.up);
      const down = actions.down === actions.up ? up : running.track(name, path, actions.down);
      units.push({ id: path, filePaths: [path], actions: { ...actions, up, down } });
    }
    return units;
  };
}

/** One attempt: node-pg-migrate's runner on our connection, every statement watched. */
async function runOnce(session: Session, request: ApplyRequest, parallelWorkers: number): Promise<string[]> {
  const { database, log, signals, config } = session;
  const { runner } = await import('node-pg-migrate');
  const running = new RunningMigration(
    request.direction === 'up' ? 'applying' : 'reverting',
    log,
    new ProgressReporter(config.progressIntervalMs, log, database.progressWatcher()),
  );

  const replicas = new ReplicaThrottle(database, {
    boundMs: config.maxReplicaLagMs,
    log,
    signals,
    follow: (wait) => running.progress.waitFor(wait),
  });
  // Each statement node-pg-migrate sends is noted (for the failure report), its index builds
  // wait for the replicas and are sized; none starts once a stop signal arrived.
  const sizing = new BuildSizing(database, { maintenanceWorkMemKb: config.maintenanceWorkMemKb, parallelWorkers }, log);
  const observed = database.executor(async (sql) => {
    const migration = running.current?.name;
    if (signals.received) throw interrupted(session, migration);
    if (running.current) running.current.statement = sql;
    const builds = await indexBuildsIn(sql);
    const ahead = await buildsAhead(sql, builds, running.current);
    if (ahead.length > 0) {
      await replicas.wait(`the index build on ${ahead[0]!.table}`, migration);
      if (signals.received) throw interrupted(session, migration);
    }
    await sizing.before(builds, migration);
  });
  const unheard = database.onNotice((notice) => sizing.notice(notice, running.current?.name));
  // Cancel the statement in PostgreSQL when a signal arrives mid-migration.
  const unsubscribe = signals.onSignal(() => void database.cancelRunningStatement());
  const quiet = {
    debug: (m: string) => log.debug(m),
    info: (m: string) => log.debug(m),
    warn: (m: string) => log.debug(m),
    error: (m: string) => log.debug(m),
  };
  try {
    const ran = await runner({
      dbClient: observed as unknown as pg.Client,
      dir: config.migrationsDir,
      migrationsTable: config.migrationsTable,
      migrationsSchema: LEDGER_SCHEMA,
      direction: request.direction,
      ...(request.count !== undefined && { count: request.count }),
      noLock: true, // ours is held (lock.ts)
      checkOrder: false, // drift.ts has already decided what may run
      singleTransaction: false,
      logger: quiet,
      migrationLoaderStrategies: [
        { extensions: MIGRATION_EXTENSIONS, loader: migrationLoader(session, running, replicas) },
      ],
    });
    running.finish();
    return ran.map((migration) => migration.name);
  } catch (error) {
    throw await explainFailure(session, error, running.current);
  } finally {
    unsubscribe();
    unheard();
    await running.progress.close();
  }
}

/**
 * The index builds a statement starts (`builds`: those in it). Inside a migration's transaction a wait
 * would hold the locks it has taken: for one that runs in a transaction, its BEGIN starts every build
 * the transaction makes.
 */
async function buildsAhead(sql: string, builds: IndexBuild[], running: Running | undefined): Promise<IndexBuild[]> {
  const pgm = running?.pgm;
  if (!pgm?.isUsingTransaction()) return builds;
  return sql === 'BEGIN;' ? indexBuildsIn(pgm.getSql()) : [];
}
