// The replica lag bound (MIGRATE_MAX_REPLICA_LAG) on MnemoLite's halfvec change at scale. A primary and
// a streaming replica of the same image (pg_basebackup -R, hot standby, PostgreSQL's own reporting
// interval), a writer inserting a code chunk every 50 ms on the primary, and `up` of the chain through
// _memories-embedding-half-hnsw from the point before it, on copies of one template: with the bound at
// its default, off (0), and at 1 s. A heartbeat row on the primary is stamped every 100 ms; every 100 ms
// the stamp the replica shows is read, then the primary's: how far the first is behind the second is the
// replica's replay lag as a reader of it sees it.
//   npm run bench:replica-lag   (= npm run build && node bench/replica-lag.ts; BENCH_PG_IMAGE or TEST_PG_IMAGE)
// BENCH_CODE_CHUNKS (60000) and BENCH_MEMORIES (20000) size the tables; BENCH_BOUNDS (default,0,1) the runs, in order;
// BENCH_REPLICA_CPUS limits the replica's CPUs (a replica on a smaller machine).
// Prints a Markdown table, and on stderr each migration's time and each wait.
import pg from 'pg';
import { loadConfig } from '../src/settings/config.ts';
import { type Server, startPrimaryWithReplica } from '../test/support/replicated-postgres.ts';
import {
  buildTemplate,
  CODE_CHUNKS,
  MEMORIES,
  removeChains,
  run,
  startWriter,
  THROUGH_HALFVEC,
} from './halfvec-data.ts';
import { describeMachine } from './machine.ts';
import { OUR_CLI, pgImage } from './tools.ts';

const IMAGE = pgImage();
const BOUNDS = (process.env.BENCH_BOUNDS ?? 'default,0,1').split(',');
const REPLICA_CPUS = process.env.BENCH_REPLICA_CPUS ? Number(process.env.BENCH_REPLICA_CPUS) : undefined;
const HEARTBEAT_MS = 100;

interface Outcome {
  bound: string;
  seconds: number;
  /** how far the heartbeat the replica showed was behind the primary's, at most */
  largestLagS: number;
  /** pg_stat_replication.replay_lag at its largest, as the primary showed it */
  largestReplayLagS: number;
  waits: number;
  waitedS: number;
  writerLongestS: number;
  inserts: number;
}

const DEFAULT_S = loadConfig({ DATABASE_URL: 'postgresql://bench@localhost/bench' }).maxReplicaLagMs / 1000;
// compose.yaml's shm_size; PostgreSQL's own reporting interval, as a replica in production has it
const pair = await startPrimaryWithReplica({
  image: IMAGE,
  sharedMemoryBytes: 1024 ** 3,
  statusIntervalS: 10,
  replicaCpus: REPLICA_CPUS,
});
const { primary, replica } = pair;
const sql = async (database: string, text: string) => primary.query(text, database);

try {
  const started = performance.now();
  await buildTemplate('halfvec_template', sql, up);
  console.error(`template ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  await sql('postgres', 'CREATE TABLE bench_heartbeat (id int PRIMARY KEY, at timestamptz NOT NULL)');
  await sql('postgres', 'INSERT INTO bench_heartbeat VALUES (1, clock_timestamp())');
  const outcomes: Outcome[] = [];
  for (const bound of BOUNDS) outcomes.push(await measure(bound));
  report(outcomes);
} finally {
  await pair.stop();
  removeChains();
}

async function up(
  database: string,
  migrationsDir: string,
  env: Record<string, string> = {},
): Promise<{ ms: number; stderr: string }> {
  const began = performance.now();
  const { code, stderr } = await run(process.execPath, [OUR_CLI, 'up'], {
    PATH: process.env.PATH,
    DATABASE_URL: primary.url(database),
    MIGRATIONS_DIR: migrationsDir,
    LOG_FORMAT: 'json',
    ...env,
  });
  if (code !== 0) throw new Error(`up on ${database} exited ${code}:\n${stderr}`);
  return { ms: performance.now() - began, stderr };
}

/** `up` on a fresh copy of the template with the writer, the heartbeat and its reader running. */
async function measure(bound: string): Promise<Outcome> {
  const database = `bench_${bound}`;
  await sql('postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await sql('postgres', `CREATE DATABASE ${database} TEMPLATE halfvec_template STRATEGY FILE_COPY`);
  // a replica on fewer CPUs may take minutes over the template: each run starts with it caught up
  await replica.caughtUp(60 * 60_000);
  const writer = startWriter(primary.url(database));
  await writer.warm;
  const heartbeat = every(HEARTBEAT_MS, primary, 'UPDATE bench_heartbeat SET at = clock_timestamp()');
  const stamp = 'SELECT extract(epoch FROM at)::float8 AS s FROM bench_heartbeat';
  // the replica first: the primary's stamp, read after, can only be newer
  const onPrimary = new pg.Client({ connectionString: primary.url('postgres'), application_name: 'bench sampler' });
  await onPrimary.connect();
  const lag = every(
    HEARTBEAT_MS,
    replica,
    stamp,
    async (onReplica) => (await onPrimary.query<{ s: number }>(stamp)).rows[0]!.s - onReplica,
  );
  const replayLag = every(
    HEARTBEAT_MS,
    primary,
    `SELECT coalesce(extract(epoch FROM replay_lag), 0)::float8 AS s FROM pg_stat_replication WHERE application_name = '${replica.name}'`,
  );
  const { ms, stderr } = await up(
    database,
    THROUGH_HALFVEC,
    bound === 'default' ? {} : { MIGRATE_MAX_REPLICA_LAG: bound },
  );
  const [largestLagS, largestReplayLagS] = [await lag.stop(), await replayLag.stop()];
  await onPrimary.end();
  await heartbeat.stop();
  const { longestMs, inserts } = await writer.stop();
  const [check] = await sql(
    database,
    `SELECT (SELECT count(*) FROM code_chunks WHERE embedding_text_half IS NULL OR embedding_code_half IS NULL)::int AS unfilled,
            (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
              WHERE c.relname IN ('idx_code_emb_text_half', 'idx_code_emb_code_half', 'idx_memories_embedding_half') AND i.indisvalid)::int AS indexes`,
  );
  if (check!.unfilled !== 0 || check!.indexes !== 3)
    throw new Error(`${database}: incomplete (${JSON.stringify(check)})`);
  const lines = stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const waits = lines.filter((line) => /beyond MIGRATE_MAX_REPLICA_LAG/.test(String(line.msg)));
  const waitedMs = lines.reduce((sum, line) => sum + (typeof line.waited_ms === 'number' ? line.waited_ms : 0), 0);
  console.error(`${database}: ${(ms / 1000).toFixed(1)} s, replica at most ${largestLagS.toFixed(2)} s behind`);
  for (const line of lines.filter((l) => typeof l.duration_ms === 'number' && String(l.msg).startsWith('applied')))
    console.error(`  ${((line.duration_ms as number) / 1000).toFixed(1).padStart(7)} s  ${line.migration}`);
  for (const line of waits) console.error(`  ${line.msg}`);
  await sql('postgres', `DROP DATABASE ${database} WITH (FORCE)`);
  return {
    bound,
    seconds: ms / 1000,
    largestLagS,
    largestReplayLagS,
    waits: waits.length,
    waitedS: waitedMs / 1000,
    writerLongestS: longestMs / 1000,
    inserts,
  };
}

/**
 * Runs `text` on the server's `postgres` database every `ms` until stopped; resolves to the largest
 * value it read (`s`, or what `measure` makes of it).
 */
function every(ms: number, server: Server, text: string, measure = async (s: number) => s) {
  const client = new pg.Client({ connectionString: server.url('postgres'), application_name: 'bench sampler' });
  client.on('error', () => undefined);
  let stopped = false;
  let largest = 0;
  let failures = 0;
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const began = performance.now();
      try {
        const { rows } = await client.query<{ s?: number }>(text);
        if (rows[0]?.s !== undefined) largest = Math.max(largest, await measure(rows[0].s));
      } catch (error) {
        // a replica may cancel a query that conflicts with replay: said, and read again
        if (failures++ === 0) console.error(`${text.slice(0, 40)}…: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - (performance.now() - began))));
    }
    await client.end();
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return largest;
    },
  };
}

function report(outcomes: Outcome[]): void {
  const machine = describeMachine();
  console.log(
    `MnemoLite halfvec with a streaming replica${REPLICA_CPUS === undefined ? '' : ` limited to ${REPLICA_CPUS} CPU`}: code_chunks ${CODE_CHUNKS} rows, memories ${MEMORIES} rows, vector(768); ${IMAGE}; ` +
      `${machine.cpus} × ${machine.cpuModel}, ${machine.memory}; Node ${machine.node}; ${machine.commit}\n`,
  );
  console.log(
    '| MIGRATE_MAX_REPLICA_LAG | wall s | replica: largest replay lag s (heartbeat) | pg_stat_replication.replay_lag, largest s | waits | waited s | writer: longest wait s | writer inserts |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const o of outcomes)
    console.log(
      `| ${o.bound === 'default' ? `default (${DEFAULT_S} s)` : o.bound === '0' ? '0 (off)' : `${o.bound} s`} | ${o.seconds.toFixed(1)} | ${o.largestLagS.toFixed(2)} | ${o.largestReplayLagS.toFixed(2)} | ${o.waits} | ${o.waitedS.toFixed(1)} | ${o.writerLongestS.toFixed(2)} | ${o.inserts} |`,
    );
}
