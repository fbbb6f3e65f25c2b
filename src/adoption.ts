// A database with no migration history: run everything (it is empty), stamp a
// verified baseline (it holds the legacy schema), map an Alembic revision (it
// was managed by Alembic), or refuse and say why. Never a blind stamp.
import type { Database } from './database/port.ts';
import { SchemaMismatch } from './errors.ts';
import type { Logger } from './log.ts';
import type { MigrationFile } from './migration-files.ts';
import { findBaseline } from './baseline.ts';
import { readAdoption } from './migration-modules.ts';
import { findDifferences } from './schema-expectations.ts';

export type AdoptionPlan =
  | { kind: 'run-all' }
  | { kind: 'stamp'; through: MigrationFile[]; because: string };

export async function planAdoption(database: Database, files: readonly MigrationFile[], log: Logger): Promise<AdoptionPlan> {
  const alembic = await database.alembicRevisions();
  if (alembic !== undefined) return adoptAlembic(database, files, alembic, log);

  const tables = await database.userTables();
  if (tables.length === 0) return { kind: 'run-all' };

  const baseline = await findBaseline(files);
  if (!baseline) {
    // no baseline declared: behave like node-pg-migrate and run on top of what is there
    log.debug(`database holds ${tables.length} tables and ${files[0]!.name} declares no baseline; running all migrations`);
    return { kind: 'run-all' };
  }
  const { file, expects } = baseline;
  const differences = await findDifferences(database, expects);
  if (differences.length > 0) {
    throw new SchemaMismatch(
      `database has tables (${preview(tables)}) but no migration history, and they do not match the baseline ${file.name}; refusing to stamp it`,
      [...differences, 'fix the schema, or empty the database to let the baseline create it'],
    );
  }
  return { kind: 'stamp', through: [file], because: `existing schema matches baseline ${file.name}` };
}

async function adoptAlembic(database: Database, files: readonly MigrationFile[], revisions: string[], log: Logger): Promise<AdoptionPlan> {
  if (revisions.length !== 1) {
    throw new SchemaMismatch(`alembic_version holds ${revisions.length} revisions (${revisions.join(', ') || 'none'}); expected exactly one`);
  }
  const revision = revisions[0]!;
  const declared = [];
  for (const file of files) declared.push({ file, adopt: await readAdoption(file) });
  const index = declared.findLastIndex((d) => d.adopt?.alembicRevision === revision);
  if (index < 0) {
    const known = declared.filter((d) => d.adopt?.alembicRevision).map((d) => `${d.adopt!.alembicRevision} (${d.file.name})`);
    throw new SchemaMismatch(`unknown Alembic revision ${revision} in alembic_version; refusing to adopt this database`, [
      `revisions these migrations replace: ${known.join(', ') || 'none'}`,
    ]);
  }
  const through = declared.slice(0, index + 1);
  const differences = [];
  for (const { adopt } of through) if (adopt?.expects) differences.push(...(await findDifferences(database, adopt.expects)));
  if (differences.length > 0) {
    throw new SchemaMismatch(`database says Alembic revision ${revision} but its schema differs; refusing to stamp it`, differences);
  }
  log.warn(`adopting a database managed by Alembic at revision ${revision}: do not run Alembic against it any more (alembic_version is left in place, unused)`);
  return { kind: 'stamp', through: through.map((d) => d.file), because: `Alembic revision ${revision} maps to ${through.at(-1)!.file.name}` };
}

const preview = (names: string[]) => (names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : names.join(', '));
