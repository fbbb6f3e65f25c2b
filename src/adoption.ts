// A database with no migration history: find where on the chain it stands from
// its catalog (narrowed by alembic_version when MnemoLite's Alembic managed it),
// stamp the migrations up to there, and let `up` apply the rest. Never a blind stamp.
import { type ChainPoint, choosePoint } from './adoption-point.ts';
import type { Database } from './database/port.ts';
import { SchemaMismatch } from './errors.ts';
import { describeDifferences, objectOf, objectsIn, readExpectedCatalogs } from './expected-catalog.ts';
import type { Logger } from './log.ts';
import type { MigrationFile } from './migration-files.ts';
import { readReplaces } from './migration-modules.ts';

export type AdoptionPlan = { kind: 'run-all' } | { kind: 'stamp'; through: MigrationFile[]; because: string };

export async function planAdoption(
  database: Database,
  files: readonly MigrationFile[],
  migrationsDir: string,
  log: Logger,
): Promise<AdoptionPlan> {
  const revisions = await database.alembicRevisions();
  if (revisions !== undefined && revisions.length > 1) {
    throw new SchemaMismatch(
      `alembic_version holds ${revisions.length} revisions (${revisions.join(', ')}); expected at most one`,
    );
  }
  const revision = revisions?.[0];
  const live = await database.catalog();
  const expected = readExpectedCatalogs(migrationsDir, files);
  if (expected.points.length === 0) {
    if (objectsIn(live).length === 0) return { kind: 'run-all' };
    throw new SchemaMismatch(
      `database has objects but no migration history, and ${files[0]!.name} has no expected catalog to check them against; refusing`,
      ['write the expected catalogs with `snapshot` on an empty database, or empty this one'],
    );
  }
  const points: ChainPoint[] = [];
  for (const [index, point] of expected.points.entries()) {
    // loading modules is slow: only an Alembic revision needs what they replace
    const replaces = revision === undefined ? undefined : await readReplaces(files[index]!);
    points.push({ ...point, alembic: replaces?.alembic ?? [] });
  }

  const choice = choosePoint(points, live, revision);
  const through = (index: number) => files.slice(0, index + 1);
  switch (choice.kind) {
    case 'unknown-revision':
      throw new SchemaMismatch(
        `unknown Alembic revision ${revision} in alembic_version; refusing to adopt this database`,
        [`revisions this chain replaces: ${choice.known.join(', ')}`],
      );
    case 'no-match': {
      const { nearest } = choice;
      const details = [
        ...describeDifferences(nearest.comparison),
        ...nearest.conflicts.map((line) => `already there, but made by a later migration: ${line}`),
      ];
      const said = revision === undefined ? '' : ` (alembic_version says ${revision})`;
      throw new SchemaMismatch(
        `database has no migration history and its schema${said} matches no point of the chain; nearest: ${nearest.name}, ${details.filter((d) => !d.startsWith(' ')).length} differences; nothing was changed`,
        details,
      );
    }
    case 'empty':
      warnUnknown(log, choice.unknown);
      return { kind: 'run-all' };
    case 'point': {
      warnUnknown(log, choice.unknown);
      const name = files[choice.index]!.name;
      if (revision !== undefined) {
        log.warn(
          `adopting a database managed by Alembic at revision ${revision}: never run Alembic against it again (alembic_version is left in place, unused)`,
        );
      }
      const because = `${revision === undefined ? 'its catalog' : `Alembic revision ${revision}, and its catalog,`} matches the chain after ${name}`;
      return { kind: 'stamp', through: through(choice.index), because };
    }
  }
}

function warnUnknown(log: Logger, lines: readonly string[]): void {
  if (lines.length === 0) return;
  log.warn(
    `${lines.length} object${lines.length === 1 ? '' : 's'} no migration makes (left as they are): ${lines.map(objectOf).join(', ')}`,
  );
}
