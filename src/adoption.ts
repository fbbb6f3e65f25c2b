// A database with no migration history: run everything (it is empty), stamp a
// verified baseline (it holds the legacy schema), map an Alembic revision (it
// was managed by Alembic), or refuse and say why. Never a blind stamp.
import type pg from 'pg';
import { SchemaMismatch } from './errors.ts';
import type { Logger } from './log.ts';
import type { MigrationFile } from './migration-files.ts';
import { findBaseline } from './baseline.ts';
import { readAdoption } from './migration-modules.ts';
import { findDifferences } from './schema-expectations.ts';

export type AdoptionPlan =
  | { kind: 'run-all' }
  | { kind: 'stamp'; through: MigrationFile[]; because: string };

export async function planAdoption(client: pg.Client, files: readonly MigrationFile[], ledgerTable: string, log: Logger): Promise<AdoptionPlan> {
  const alembic = await alembicRevisions(client);
  if (alembic !== undefined) return adoptAlembic(client, files, alembic, log);

  const tables = await userTables(client, ledgerTable);
  if (tables.length === 0) return { kind: 'run-all' };

  const baseline = await findBaseline(files);
  if (!baseline) {
    // no baseline declared: behave like node-pg-migrate and run on top of what is there
    log.debug(`database holds ${tables.length} tables and ${files[0]!.name} declares no baseline; running all migrations`);
    return { kind: 'run-all' };
  }
  const { file, expects } = baseline;
  const differences = await findDifferences(client, expects);
  if (differences.length > 0) {
    throw new SchemaMismatch(
      `database has tables (${preview(tables)}) but no migration history, and they do not match the baseline ${file.name}; refusing to stamp it`,
      [...differences, 'fix the schema, or empty the database to let the baseline create it'],
    );
  }
  return { kind: 'stamp', through: [file], because: `existing schema matches baseline ${file.name}` };
}

async function adoptAlembic(client: pg.Client, files: readonly MigrationFile[], revisions: string[], log: Logger): Promise<AdoptionPlan> {
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
  for (const { adopt } of through) if (adopt?.expects) differences.push(...(await findDifferences(client, adopt.expects)));
  if (differences.length > 0) {
    throw new SchemaMismatch(`database says Alembic revision ${revision} but its schema differs; refusing to stamp it`, differences);
  }
  log.warn(`adopting a database managed by Alembic at revision ${revision}: do not run Alembic against it any more (alembic_version is left in place, unused)`);
  return { kind: 'stamp', through: through.map((d) => d.file), because: `Alembic revision ${revision} maps to ${through.at(-1)!.file.name}` };
}

async function alembicRevisions(client: pg.Client): Promise<string[] | undefined> {
  const { rows } = await client.query<{ present: boolean }>(`select to_regclass('public.alembic_version') is not null as present`);
  if (!rows[0]!.present) return undefined;
  const versions = await client.query<{ version_num: string }>('select version_num from public.alembic_version');
  return versions.rows.map((row) => row.version_num);
}

// Tables the user made: not the catalogs, not objects an extension owns, not our ledger.
async function userTables(client: pg.Client, ledgerTable: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
        and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
        and not (n.nspname = 'public' and c.relname::text in ($1::text, $1::text || '_checksums'))
      order by 1`,
    [ledgerTable],
  );
  return rows.map((row) => row.name);
}

const preview = (names: string[]) => (names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : names.join(', '));
