// A session on the in-memory database port: the decisions of every command run
// in-process, in milliseconds. Migrations "run" by writing their ledger row, as
// node-pg-migrate does, plus whatever effect a test gives them.
import { createHash } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.ts';
import type { MemoryDatabase, MemoryServer } from '../../src/database/memory-database.ts';
import { MigrationFailed } from '../../src/errors.ts';
import { createLogger } from '../../src/log.ts';
import type { MigrationFile } from '../../src/migration-files.ts';
import { createSession, type Session } from '../../src/session.ts';
import { SignalWatch } from '../../src/signals.ts';

/** Migration files that exist only by name and content (SQL files, so nothing is loaded from disk). */
export function files(...names: string[]): MigrationFile[] {
  return names.map((name) => fileOf(name));
}

export function fileOf(name: string, content = `-- ${name}`): MigrationFile {
  return { name, path: `/memory/${name}.sql`, checksum: createHash('sha256').update(content).digest('hex') };
}

/** What a migration does to the in-memory database besides its ledger row; throwing fails it. */
export type Effects = Record<string, (server: MemoryServer) => void>;

export interface MemorySession extends Session {
  database: MemoryDatabase;
  /** log lines, as JSON objects */
  logs: { level: string; msg: string }[];
}

export function memorySession(
  server: MemoryServer,
  migrationFiles: MigrationFile[],
  options: { config?: Partial<Config>; effects?: Effects; signals?: SignalWatch } = {},
): MemorySession {
  const config = { ...loadConfig({ DATABASE_URL: 'postgresql://u:p@h/db', LOG_LEVEL: 'debug' }), lockTimeoutMs: 2000, ...options.config };
  const logs: MemorySession['logs'] = [];
  const log = createLogger({ format: 'json', level: 'debug' }, (line) => logs.push(JSON.parse(line)));
  const database = server.connect({ table: config.migrationsTable });
  const session = createSession({ config, log, signals: options.signals ?? new SignalWatch() }, database, migrationFiles, async (s, request) => {
    const ledger = `public.${config.migrationsTable}`;
    const applied = (await s.database.readLedger()).applied.map((row) => row.name);
    if (request.direction === 'down') {
      const reverted = applied.slice(-(request.count ?? 1)).reverse();
      for (const name of reverted) server.removeLedgerRow(ledger, name);
      return reverted;
    }
    const ran: string[] = [];
    for (const file of s.files.filter((f) => !applied.includes(f.name)).slice(0, request.count)) {
      try {
        options.effects?.[file.name]?.(server);
      } catch (error) {
        throw new MigrationFailed(`migration ${file.name} failed and was rolled back`, [(error as Error).message]);
      }
      server.appendLedgerRow(ledger, file.name);
      ran.push(file.name);
    }
    return ran;
  });
  return Object.assign(session, { database, logs });
}

/** The schema the shipped baseline declares, as MnemoLite's init scripts left it. */
export function legacySchema(server: MemoryServer, options: { embedding?: string } = {}): void {
  server.createExtension('vector');
  server.createExtension('pgcrypto');
  server.createTable('events', {
    id: 'uuid',
    timestamp: 'timestamp with time zone',
    content: 'jsonb',
    embedding: options.embedding ?? 'vector(768)',
    metadata: 'jsonb',
  });
  server.createTable('nodes', { node_id: 'uuid', node_type: 'text', label: 'text', properties: 'jsonb', created_at: 'timestamp with time zone' });
  server.createTable('edges', {
    edge_id: 'uuid',
    source_node_id: 'uuid',
    target_node_id: 'uuid',
    relation_type: 'text',
    properties: 'jsonb',
    created_at: 'timestamp with time zone',
  });
  for (const [table, index, column] of [
    ['events', 'events_pkey', 'id'],
    ['events', 'events_timestamp_idx', 'timestamp'],
    ['events', 'events_metadata_gin_idx', 'metadata'],
    ['nodes', 'nodes_pkey', 'node_id'],
    ['nodes', 'nodes_type_idx', 'node_type'],
    ['edges', 'edges_pkey', 'edge_id'],
    ['edges', 'edges_source_idx', 'source_node_id'],
    ['edges', 'edges_target_idx', 'target_node_id'],
    ['edges', 'edges_relation_type_idx', 'relation_type'],
  ] as const) {
    server.createIndex(table, index, column);
  }
}
