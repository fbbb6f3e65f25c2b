// A database with no migration history: read which migrations it already has from
// its catalog, migration by migration (decide-adoption.ts), stamp those, and let `up`
// apply the others in chain order. Never a blind stamp: an object in a form no
// migration makes, or a migration only partly there, is refused before anything is written.

import { type Replaces, readReplaces } from '../chain/declarations.ts';
import { objectOf, objectsIn, readDeltas } from '../chain/expected-catalog.ts';
import type { MigrationFile } from '../chain/migration-files.ts';
import type { CatalogPort } from '../database/port.ts';
import { SchemaMismatch } from '../errors.ts';
import type { Logger } from '../log.ts';
import { type AdoptionDecision, decideAdoption, type ObjectConflict } from './decide-adoption.ts';
import { describeSources } from './mnemolite-published.ts';

export type AdoptionPlan =
  | { kind: 'run-all' }
  | {
      kind: 'adopt';
      /** recorded without running, in chain order */
      stamp: MigrationFile[];
      /** applied by `up`, in chain order: some may come before stamped ones */
      apply: MigrationFile[];
      /** applied after a later migration that is there: why that is safe is in `because` */
      outOfOrder: string[];
      /** migrations run again to bring an object MnemoLite made in an earlier form to the chain's */
      reformed: { migration: string; object: string }[];
      /** comments set to the chain's */
      comments: string[];
      because: string;
    };

export async function planAdoption(
  database: CatalogPort,
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
  if (objectsIn(live).length === 0) return { kind: 'run-all' };
  // migrations after the first without an expected catalog are not looked for: they are applied
  const { deltas, unknownFrom } = readDeltas(migrationsDir, files);
  if (deltas.length === 0) {
    throw new SchemaMismatch(
      `database has objects but no migration history, and ${unknownFrom} has no expected catalog to check them against; refusing`,
      ['write the expected catalogs with `snapshot` on an empty database, or empty this one'],
    );
  }

  // loading modules is slow: only an Alembic revision to check, or an object in a form the deltas do not know, needs them
  let decision = decideAdoption(deltas, live);
  let replaces: (Replaces | undefined)[] | undefined;
  const loadReplaces = async () => {
    if (replaces) return replaces;
    replaces = [];
    for (const file of files) replaces.push(await readReplaces(file));
    return replaces;
  };
  if (decision.kind === 'refused' && decision.conflicts.length > 0) {
    const declared = await loadReplaces();
    decision = decideAdoption(
      deltas.map((delta, index) => ({ ...delta, earlierForms: declared[index]?.earlierForms ?? [] })),
      live,
    );
  }
  if (revision !== undefined) {
    const known = (await loadReplaces()).flatMap((r) => r?.alembic ?? []);
    if (!known.includes(revision))
      throw new SchemaMismatch(
        `unknown Alembic revision ${revision} in alembic_version; refusing to adopt this database`,
        [`revisions this chain replaces: ${known.join(', ')}`],
      );
  }
  if (decision.kind === 'refused') throw refusal(decision, revision, replaces, files);

  warnUnknown(log, decision.unknown);
  if (revision !== undefined) {
    log.warn(
      `adopting a database managed by Alembic at revision ${revision}: never run Alembic against it again (alembic_version is left in place, unused)`,
    );
    const declared = await loadReplaces();
    const at = declared.findIndex((r) => r?.alembic?.includes(revision));
    const missing = files.filter(
      (file, index) =>
        index <= at &&
        decision.absent.includes(file.name) &&
        declared[index]?.sources?.some((source) => source.startsWith('api/alembic/')),
    );
    if (missing.length > 0)
      log.warn(
        `alembic_version says ${revision}, but what ${missing.length === 1 ? 'this migration makes' : `these ${missing.length} migrations make`} for Alembic revisions up to it is not there, so ${missing.length === 1 ? 'it is' : 'they are'} applied: ${missing.map((file) => file.name).join(', ')}`,
      );
  }
  if (decision.present.length === 0) return { kind: 'run-all' };
  const byName = new Map(files.map((file) => [file.name, file]));
  return {
    kind: 'adopt',
    stamp: decision.present.map((name) => byName.get(name)!),
    apply: [...decision.absent.map((name) => byName.get(name)!), ...files.slice(deltas.length)],
    outOfOrder: decision.outOfOrder.map((entry) => entry.name),
    reformed: decision.reformed.map(([migration, object]) => ({ migration, object })),
    comments: decision.comments.map((comment) => comment.expected),
    because: because(decision, revision),
  };
}

function because(decision: AdoptionDecision & { kind: 'adopt' }, revision: string | undefined): string {
  const alembic = revision === undefined ? '' : ` (alembic_version says ${revision})`;
  const parts = [
    `its catalog${alembic} has what ${decision.present.length} migration${decision.present.length === 1 ? '' : 's'} make`,
  ];
  if (decision.outOfOrder.length > 0)
    parts.push(
      `${decision.outOfOrder.length} missing one${decision.outOfOrder.length === 1 ? '' : 's'} come${decision.outOfOrder.length === 1 ? 's' : ''} before some of those and touch${decision.outOfOrder.length === 1 ? 'es' : ''} nothing they made or changed`,
    );
  return parts.join('; ');
}

function refusal(
  decision: AdoptionDecision & { kind: 'refused' },
  revision: string | undefined,
  replaces: (Replaces | undefined)[] | undefined,
  files: readonly MigrationFile[],
): SchemaMismatch {
  const said = revision === undefined ? '' : ` (alembic_version says ${revision})`;
  if (decision.conflicts.length === 0) {
    const objects = decision.unknown.filter((line) => !/^(extension|schema) /.test(line)).map(objectOf);
    // tables, views, functions…: their columns, indexes and constraints would only repeat them
    const relations = objects.filter(
      (object) => !/^(column|column-order|index|constraint|comment|trigger) /.test(object),
    );
    const foreign = relations.length > 0 ? relations : objects;
    return new SchemaMismatch(
      `database has no migration history and holds nothing this chain makes${said}, but ${foreign.length} object${foreign.length === 1 ? '' : 's'} of its own: not a MnemoLite database; nothing was changed`,
      [
        ...foreign.slice(0, 10).map((object) => `not made by this chain: ${object}`),
        ...(foreign.length > 10 ? [`… and ${foreign.length - 10} more`] : []),
        'point DATABASE_URL (or POSTGRES_DB) at MnemoLite’s database, or at an empty one',
      ],
    );
  }
  const sources = (name: string) => {
    const index = files.findIndex((file) => file.name === name);
    const from = replaces?.[index]?.sources;
    return from && from.length > 0 ? ` (${describeSources(from)})` : '';
  };
  const details = decision.conflicts.flatMap((conflict: ObjectConflict) => [
    `${conflict.object}: ${conflict.why}`,
    `  found: ${conflict.found === undefined ? 'not there' : formOf(conflict.found)}`,
    ...conflict.known.map(
      (known) => `  known: ${known.form === undefined ? 'not there' : formOf(known.form)}, after ${known.by}`,
    ),
    `  nearest: as ${conflict.nearest} makes it${sources(conflict.nearest)}`,
  ]);
  return new SchemaMismatch(
    `database has no migration history and ${decision.conflicts.length} object${decision.conflicts.length === 1 ? ' is' : 's are'} in a form this chain cannot bring to head${said}; nothing was changed`,
    details,
  );
}

/** The definition part of a catalog line (after `object: `), or the line when it has none. */
function formOf(line: string): string {
  const object = objectOf(line);
  return line.length > object.length ? line.slice(object.length).replace(/^:? /, '') : line;
}

function warnUnknown(log: Logger, lines: readonly string[]): void {
  if (lines.length === 0) return;
  log.warn(
    `${lines.length} object${lines.length === 1 ? '' : 's'} no migration makes (left as they are): ${lines.map(objectOf).join(', ')}`,
  );
}
