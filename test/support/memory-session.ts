// A session on the in-memory database port: the decisions of every command run
// in-process, in milliseconds. Migrations "run" by writing their ledger row, as
// node-pg-migrate does, plus whatever effect a test gives them.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationFile } from '../../src/chain/migration-files.ts';
import { type MemoryDatabase, MemoryServer } from '../../src/database/memory-database.ts';
import { MigrationFailed } from '../../src/errors.ts';
import { createLogger } from '../../src/log.ts';
import { createSession, type Session } from '../../src/session/session.ts';
import { type Config, loadConfig } from '../../src/settings/config.ts';
import { SignalWatch } from '../../src/signals.ts';
import { temporaryDir } from './temporary.ts';

/** SQL migration files that say nothing: their effects on the in-memory database come from the test. */
export function files(...names: string[]): MigrationFile[] {
  return names.map((name) => fileOf(name));
}

// written to disk, as commands load the files they stamp; each content its own directory
export function fileOf(name: string, content = `-- ${name}`): MigrationFile {
  const path = join(temporaryDir('mm-memory-'), `${name}.sql`);
  writeFileSync(path, content);
  return { name, path, checksum: createHash('sha256').update(content).digest('hex'), formerChecksums: [] };
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
  const config = {
    ...loadConfig({ DATABASE_URL: 'postgresql://u:p@h/db', LOG_LEVEL: 'debug' }),
    lockTimeoutMs: 2000,
    ...options.config,
  };
  const logs: MemorySession['logs'] = [];
  const log = createLogger({ format: 'json', level: 'debug' }, (line) => logs.push(JSON.parse(line)));
  const database = server.connect({ table: config.migrationsTable });
  const session = createSession(
    { config, log, signals: options.signals ?? new SignalWatch() },
    database,
    migrationFiles,
    async (s, request) => {
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
    },
  );
  return Object.assign(session, { database, logs });
}

/**
 * A migrations directory holding only `expected/`: the catalog each of `migrationFiles` leaves when
 * `effects` run in memory, written by the real `snapshot` command, so adoption and verify can compare.
 */
export async function expectedCatalogs(migrationFiles: MigrationFile[], effects: Effects): Promise<string> {
  const dir = temporaryDir('mm-expected-');
  const { command } = await import('../../src/commands/snapshot.ts');
  await command.run(memorySession(new MemoryServer(), migrationFiles, { config: { migrationsDir: dir }, effects }), {
    check: false,
  });
  return dir;
}
