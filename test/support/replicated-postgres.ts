// A primary and streaming replicas of it, from the same image, on a network of their own: each replica
// is a pg_basebackup -R of the primary, in hot standby unless told, as Patroni or CloudNativePG run one.
// A test file that needs them starts its own (bench/replica-lag.ts too); nothing is mocked.
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import type pg from 'pg';
import { GenericContainer, Network, type StartedNetwork, type StartedTestContainer, Wait } from 'testcontainers';
import { withClient } from './with-client.ts';

const USER = 'test';
const PASSWORD = 'test';

/** One server, as the host reaches it. */
export interface Server {
  /** a postgresql:// URL of `database` on it (the admin role's own database when omitted) */
  url(database?: string): string;
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, database?: string): Promise<T[]>;
  /** SIGKILL and gone, no shutdown: as a host or a pod dies */
  kill(): Promise<void>;
}

export interface Replica extends Server {
  /** its application_name, as pg_stat_replication on the primary shows it (Patroni names its members so) */
  name: string;
  /** pg_wal_replay_pause(), returning once replay has stopped */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** pg_promote(): returns once it accepts writes, a primary of its own */
  promote(): Promise<void>;
  /** returns once it has replayed all the primary had written when asked (within `timeoutMs`, 2 min by default) */
  caughtUp(timeoutMs?: number): Promise<void>;
}

export interface ReplicatedPostgres {
  primary: Server;
  replica: Replica;
  /** another replica of the primary; with `hotStandby: false` it takes no connections until promoted */
  addReplica(name: string, options?: { hotStandby?: boolean }): Promise<Replica>;
  stop(): Promise<void>;
}

export interface PairOptions {
  /** default TEST_PG_IMAGE, else pgvector/pgvector:pg18 */
  image?: string;
  /** the primary's /dev/shm, for parallel index builds (Docker gives 64MB) */
  sharedMemoryBytes?: number;
  /** how often a replica reports its position when no WAL arrives: 1 s, where PostgreSQL's default is 10 s */
  statusIntervalS?: number;
  /** the CPUs a replica may use (a smaller machine than the primary's); unlimited when unset */
  replicaCpus?: number;
}

// the official image's entrypoint and ours both run these at initdb: replicas connect over the network
const ALLOW_REPLICATION = `#!/bin/sh
echo "host replication all all \${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
`;

export async function startPrimaryWithReplica(options: PairOptions = {}): Promise<ReplicatedPostgres> {
  const {
    image = process.env.TEST_PG_IMAGE ?? 'pgvector/pgvector:pg18',
    sharedMemoryBytes = 64 * 1024 ** 2,
    statusIntervalS = 1,
    replicaCpus,
  } = options;
  const network = await new Network().start();
  const started: StartedTestContainer[] = [];
  const stop = async () => {
    for (const container of started.splice(0)) await container.stop({ timeout: 0 }).catch(() => undefined);
    await network.stop().catch(() => undefined);
  };
  try {
    const container = await new PostgreSqlContainer(image)
      .withUsername(USER)
      .withPassword(PASSWORD)
      .withNetwork(network)
      .withNetworkAliases('primary')
      .withCopyContentToContainer([
        { content: ALLOW_REPLICATION, target: '/docker-entrypoint-initdb.d/allow-replication.sh', mode: 0o755 },
      ])
      .withCommand(['postgres', '-c', 'max_connections=100'])
      .withSharedMemorySize(sharedMemoryBytes)
      .withStartupTimeout(170_000)
      .start();
    started.push(container);
    const primary = server(container);
    const addReplica = async (name: string, options: { hotStandby?: boolean } = {}) => {
      const standby = await startReplica(network, name, {
        image,
        hotStandby: options.hotStandby ?? true,
        statusIntervalS,
        cpus: replicaCpus,
      });
      started.push(standby);
      const replica = replicaOf(server(standby), name, primary);
      await poll(
        () =>
          primary.query(`select 1 from pg_stat_replication where application_name = '${name}' and state = 'streaming'`),
        (rows) => rows.length === 1,
        `${name} streams from the primary`,
      );
      return replica;
    };
    const replica = await addReplica('replica1');
    return { primary, replica, addReplica, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// pg_basebackup as the postgres user into the image's data directory, then the server on it.
function startReplica(
  network: StartedNetwork,
  name: string,
  settings: { image: string; hotStandby: boolean; statusIntervalS: number; cpus: number | undefined },
): Promise<StartedTestContainer> {
  const { image, hotStandby, statusIntervalS, cpus } = settings;
  const script = [
    'set -e',
    `pg_basebackup -h primary -U ${USER} -D "$PGDATA" -R -X stream -c fast -d "application_name=${name}"`,
    'chmod 700 "$PGDATA"',
    `exec postgres -c hot_standby=${hotStandby ? 'on' : 'off'} -c wal_receiver_status_interval=${statusIntervalS} -c max_connections=100`,
  ].join('\n');
  const container = new GenericContainer(image);
  if (cpus !== undefined) container.withResourcesQuota({ cpu: cpus });
  return container
    .withNetwork(network)
    .withUser('postgres')
    .withEnvironment({ PGPASSWORD: PASSWORD })
    .withEntrypoint(['bash', '-c'])
    .withCommand([script])
    .withExposedPorts(5432)
    .withWaitStrategy(
      Wait.forLogMessage(hotStandby ? /ready to accept read-only connections/ : /started streaming WAL/),
    )
    .withStartupTimeout(170_000)
    .start();
}

function server(container: StartedTestContainer): Server {
  const url = (database = USER) =>
    `postgresql://${USER}:${PASSWORD}@${container.getHost()}:${container.getMappedPort(5432)}/${database}`;
  return {
    url,
    query: (sql, database) => withClient(url(database), async (c) => (await c.query(sql)).rows),
    kill: async () => {
      await container.stop({ timeout: 0 });
    },
  };
}

function replicaOf(standby: Server, name: string, primary: Server): Replica {
  const value = (sql: string) => async () => (await standby.query<{ value: unknown }>(sql))[0]?.value;
  return {
    ...standby,
    name,
    pause: async () => {
      await standby.query('select pg_wal_replay_pause()');
      await poll(value('select pg_get_wal_replay_pause_state() as value'), (v) => v === 'paused', `${name} pauses`);
    },
    resume: async () => void (await standby.query('select pg_wal_replay_resume()')),
    promote: async () => {
      await standby.query('select pg_promote(wait => true)');
      await poll(value('select not pg_is_in_recovery() as value'), (v) => v === true, `${name} leaves recovery`);
    },
    caughtUp: async (timeoutMs) => {
      const [{ lsn }] = (await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')) as [
        { lsn: string },
      ];
      await poll(
        value(`select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn as value`),
        (v) => v === true,
        `${name} replays up to ${lsn}`,
        timeoutMs,
      );
    },
  };
}

/** Reads `read` until `done` says so; a failed read counts as not yet. */
async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
