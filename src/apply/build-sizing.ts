// Before each statement that builds an index, gives the migrating session the memory and workers
// for it (build-memory.ts decides), and turns pgvector's "graph no longer fits" notice into a
// warning with the numbers and what to set. What one migration set is reset before the next one.

import type { IndexBuildPort, ServerNotice } from '../database/port.ts';
import type { Logger } from '../log.ts';
import type { Config } from '../settings/config.ts';
import { buildMemory, formatKb } from '../sql/build-memory.ts';
import type { IndexBuild } from '../sql/index-builds.ts';

const NO_LONGER_FITS = /hnsw graph no longer fits into maintenance_work_mem after (\d+) tuples/;

export class BuildSizing {
  /** the migration whose builds changed the session's settings */
  private sizedFor: string | undefined;
  /** the last build sized: what a notice about it refers to */
  private last: { table: string; rows: number; kb: number; graphBytes?: number } | undefined;

  constructor(
    private readonly database: IndexBuildPort,
    private readonly config: Pick<Config, 'maintenanceWorkMemKb' | 'parallelWorkers'>,
    private readonly log: Logger,
  ) {}

  /** `builds`: the index builds of the statement about to run. */
  async before(builds: readonly IndexBuild[], migration: string | undefined): Promise<void> {
    if (this.sizedFor !== undefined && this.sizedFor !== migration) {
      await this.database.setBuildSettings(undefined);
      this.sizedFor = undefined;
    }
    if (migration === undefined || builds.length === 0) return;
    let kb = 0;
    for (const build of builds) {
      const facts = await this.database.indexBuildFacts(build.table, build.column);
      // the server's own value, not one an earlier build of this migration set
      const serverKb = this.sizedFor === undefined ? facts.maintenanceWorkMemKb : 0;
      const memory = buildMemory({ ...build, ...facts, ceilingKb: this.config.maintenanceWorkMemKb, serverKb });
      kb = Math.max(kb, memory.maintenanceWorkMemKb);
      this.last = { table: build.table, rows: facts.rows, kb: memory.maintenanceWorkMemKb, ...memory };
      const column = facts.column ? ` of ${facts.column.type}(${facts.column.dimensions})` : '';
      const graph = memory.graphBytes === undefined ? '' : ` for an estimated ${mb(memory.graphBytes)} graph`;
      // an HNSW build's sizing is news; the other builds (dozens in a chain) get the ceiling, said at debug
      const say = memory.graphBytes === undefined ? this.log.debug.bind(this.log) : this.log.info.bind(this.log);
      say(
        `index build on ${build.table} (${build.method}, ${Math.round(facts.rows)} rows${column}): maintenance_work_mem ${formatKb(memory.maintenanceWorkMemKb)}${graph}, ${workers(this.config.parallelWorkers)}`,
        {
          migration,
          table: build.table,
          method: build.method,
          rows: Math.round(facts.rows),
          maintenance_work_mem_kb: memory.maintenanceWorkMemKb,
          parallel_workers: this.config.parallelWorkers,
          ...(memory.graphBytes !== undefined && { estimated_graph_bytes: memory.graphBytes }),
        },
      );
      if (memory.graphBytes !== undefined && memory.graphBytes > memory.maintenanceWorkMemKb * 1024)
        this.log.warn(
          `the HNSW graph on ${build.table} needs about ${mb(memory.graphBytes)}, more than MIGRATE_MAINTENANCE_WORK_MEM (${formatKb(this.config.maintenanceWorkMemKb)}): the build will take several times longer; raise it if the database has the memory`,
          { migration, table: build.table },
        );
    }
    await this.database.setBuildSettings({ maintenanceWorkMemKb: kb, parallelWorkers: this.config.parallelWorkers });
    this.sizedFor = migration;
  }

  /** A server notice on the migrating session: pgvector's about the graph becomes a warning, the rest debug lines. */
  notice(notice: ServerNotice, migration: string | undefined): void {
    const fits = NO_LONGER_FITS.exec(notice.message);
    if (!fits || !this.last) {
      this.log.debug(`server notice: ${notice.message}`, { ...(migration && { migration }) });
      return;
    }
    const { table, rows, kb, graphBytes } = this.last;
    const need = graphBytes === undefined ? '' : ` Its graph needs about ${mb(graphBytes)}.`;
    this.log.warn(
      `pgvector: the HNSW graph on ${table} no longer fits into maintenance_work_mem (${formatKb(kb)}) after ${fits[1]} of about ${Math.round(rows)} rows; the build goes on several times slower.${need} Raise MIGRATE_MAINTENANCE_WORK_MEM (and the database container's memory with it).`,
      { ...(migration && { migration }), table, tuples_in_memory: Number(fits[1]), maintenance_work_mem_kb: kb },
    );
  }
}

function workers(count: number): string {
  return count === 0 ? 'no parallel workers' : `${count} parallel worker${count === 1 ? '' : 's'}`;
}

function mb(bytes: number): string {
  return `${Math.ceil(bytes / (1024 * 1024))} MB`;
}
