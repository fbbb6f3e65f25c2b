// What the schema should look like after each migration. Beside the migrations,
// `expected/<migration>.txt` lists the catalog lines that migration adds (`+`) and
// removes (`-`); folding them gives the whole catalog at any point of the chain.
// They are written by `snapshot` from a scratch database, never by hand.
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { MigrationFile } from './migration-files.ts';

export interface CatalogDelta {
  added: string[];
  removed: string[];
}

/** The expected catalog after each migration, in order; undefined from the first migration without a delta file on. */
export interface ExpectedCatalogs {
  points: { name: string; catalog: ReadonlySet<string> }[];
  /** the first migration with no expected file, when there is one */
  unknownFrom?: string;
}

export const EXPECTED_DIR = 'expected';

// pg_partman comes with MnemoLite's db image but not with the official pgvector
// image; nothing uses it (partitioning is off), so it is neither required nor extra.
const OPTIONAL = [/^extension pg_partman /, /^schema partman$/];
export const isOptional = (line: string): boolean => OPTIONAL.some((pattern) => pattern.test(line));

/** The objects of a catalog that make a database not empty: extensions and schemas are created first, often by an administrator. */
export const objectsIn = (lines: readonly string[]): string[] =>
  lines.filter((line) => !isOptional(line) && !/^(extension|schema) /.test(line));

export function expectedFile(migrationsDir: string, name: string): string {
  return join(migrationsDir, EXPECTED_DIR, `${name}.txt`);
}

export function readExpectedCatalogs(migrationsDir: string, files: readonly MigrationFile[]): ExpectedCatalogs {
  const { deltas, unknownFrom } = readDeltas(migrationsDir, files);
  const points: ExpectedCatalogs['points'] = [];
  let catalog = new Set<string>();
  for (const delta of deltas) {
    catalog = applyDelta(catalog, delta);
    points.push({ name: delta.name, catalog });
  }
  return unknownFrom === undefined ? { points } : { points, unknownFrom };
}

/** The catalog change of each migration, in order, up to the first migration without an expected file. */
export function readDeltas(
  migrationsDir: string,
  files: readonly MigrationFile[],
): { deltas: (CatalogDelta & { name: string })[]; unknownFrom?: string } {
  const deltas: (CatalogDelta & { name: string })[] = [];
  for (const file of files) {
    const bytes = readExpectedFile(migrationsDir, file.name);
    if (bytes === undefined) return { deltas, unknownFrom: file.name };
    deltas.push({ name: file.name, ...parseDelta(bytes.toString('utf8'), file.name) });
  }
  return { deltas };
}

/** A digest of the expected files of `files`, names and bytes: what a check of the catalog they make is recorded under; undefined when one is missing. */
export function expectedCatalogKey(migrationsDir: string, files: readonly MigrationFile[]): string | undefined {
  const parts: Buffer[] = [];
  for (const file of files) {
    const bytes = readExpectedFile(migrationsDir, file.name);
    if (bytes === undefined) return undefined;
    parts.push(Buffer.from(`${file.name} ${bytes.length}\n`), bytes);
  }
  // one digest of all of it: a start reads every file, and one call costs less than a hash object fed 100 times
  return hash('sha256', Buffer.concat(parts));
}

/** What a check of the schema is recorded under: the expected catalogs of the migrations, and the vector dimension found. */
export function schemaCheckKey(
  migrationsDir: string,
  files: readonly MigrationFile[],
  dimension: number,
): string | undefined {
  const catalogs = expectedCatalogKey(migrationsDir, files);
  return catalogs && `${catalogs} dimension=${dimension}`;
}

function readExpectedFile(migrationsDir: string, name: string): Buffer | undefined {
  try {
    return readFileSync(expectedFile(migrationsDir, name));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ConfigError(`expected catalog of ${name} cannot be read (${code})`);
  }
}

export function parseDelta(text: string, name: string): CatalogDelta {
  const delta: CatalogDelta = { added: [], removed: [] };
  text.split('\n').forEach((line, index) => {
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('+ ')) delta.added.push(line.slice(2));
    else if (line.startsWith('- ')) delta.removed.push(line.slice(2));
    else
      throw new ConfigError(
        `expected catalog of ${name}, line ${index + 1}: neither "+ " nor "- " (regenerate it with \`snapshot\`)`,
      );
  });
  return delta;
}

function applyDelta(before: ReadonlySet<string>, delta: CatalogDelta): Set<string> {
  const after = new Set(before);
  for (const line of delta.removed) after.delete(line);
  for (const line of delta.added) after.add(line);
  return after;
}

/** The delta file text that takes catalog `before` to `after` (optional lines left out). */
export function formatDelta(name: string, before: readonly string[], after: readonly string[]): string {
  const was = new Set(before.filter((line) => !isOptional(line)));
  const is = new Set(after.filter((line) => !isOptional(line)));
  const removed = [...was].filter((line) => !is.has(line)).map((line) => `- ${line}`);
  const added = [...is].filter((line) => !was.has(line)).map((line) => `+ ${line}`);
  const header = `# catalog changes made by ${name}; written by \`mnemolite-migrate snapshot\`, do not edit`;
  return `${[header, ...removed.toSorted(), ...added.toSorted()].join('\n')}\n`;
}

export interface CatalogComparison {
  /** expected objects that are not there */
  missing: string[];
  /** objects that are there, but defined otherwise: [expected, actual] */
  different: [string, string][];
  /** objects the expected catalog does not have */
  extra: string[];
}

/**
 * The object a line describes, e.g. `column public.events.embedding`,
 * `index public.events.events_pkey` or `comment column public.events.content`:
 * what comes before the definition (`: …`), or the kind and name alone.
 */
export function objectOf(line: string): string {
  const [kind = '', name = ''] = line.split(' ', 2);
  // a column line has no `: `, but its default may
  const colon = kind === 'column' ? -1 : line.indexOf(': ');
  return colon > 0 ? line.slice(0, colon) : `${kind} ${name}`;
}

export function compareCatalogs(expected: Iterable<string>, actual: Iterable<string>): CatalogComparison {
  const want = byObject(expected);
  const have = byObject(actual);
  const comparison: CatalogComparison = { missing: [], different: [], extra: [] };
  for (const [object, line] of want) {
    const found = have.get(object);
    if (found === undefined) comparison.missing.push(line);
    else if (found !== line && normalise(found) !== normalise(line)) comparison.different.push([line, found]);
  }
  for (const [object, line] of have) if (!want.has(object)) comparison.extra.push(line);
  return comparison;
}

// PostgreSQL stores `col IN ('a', 'b')` on a varchar column as `= ANY ((ARRAY['a'::character varying, …])::text[])`;
// a pg_dump restored reads it back as `= ANY (ARRAY[('a'::character varying)::text, …])`. The same constraint:
// databases restored from a backup must compare equal to the ones their SQL made.
const ELEMENT_CASTS = /ARRAY\[((?:\('(?:[^']|'')*'::[a-z ]+\)::[a-z ]+(?:, )?)+)\]/g;
const ELEMENT_CAST = /\(('(?:[^']|'')*'::[a-z ]+)\)::([a-z ]+)/g;

export function normalise(line: string): string {
  return line.replace(ELEMENT_CASTS, (array, body: string) => {
    const elements = [...body.matchAll(ELEMENT_CAST)];
    const target = elements[0]![2];
    if (elements.some((element) => element[2] !== target)) return array;
    return `(ARRAY[${elements.map((element) => element[1]).join(', ')}])::${target}[]`;
  });
}

function byObject(lines: Iterable<string>): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of lines) if (!isOptional(line)) map.set(objectOf(line), line);
  return map;
}

export const matches = (comparison: CatalogComparison): boolean =>
  comparison.missing.length === 0 && comparison.different.length === 0;

/** One line per difference, for error details. */
export function describeDifferences(comparison: CatalogComparison): string[] {
  return [
    ...comparison.missing.map((line) => `missing: ${line}`),
    ...comparison.different.flatMap(([want, have]) => [`different: ${have}`, `  expected: ${want}`]),
  ];
}
