// The SQL that makes or removes one catalog object, written from its catalog
// line (functions from their full definition: the listing folds their bodies
// onto one line, which a `--` comment would end).
import type { Column, Comment, Constraint, Index } from './catalog-objects.ts';

export const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

export function columnDefinition(column: Column): string {
  return [
    column.name,
    column.type,
    column.collate ? `COLLATE ${column.collate}` : '',
    column.generated ? `GENERATED ALWAYS AS (${column.generated}) STORED` : '',
    column.default ? `DEFAULT ${column.default}` : '',
    column.identity ? `GENERATED ${column.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY` : '',
    column.notNull ? 'NOT NULL' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function createTable(name: string, columns: readonly Column[], inline: readonly Constraint[]): string {
  const parts = [
    ...columns.map(columnDefinition),
    ...inline.map((constraint) => `CONSTRAINT ${constraint.name} ${constraint.definition}`),
  ];
  return `CREATE TABLE ${name} (\n  ${parts.join(',\n  ')}\n)`;
}

export const addColumn = (column: Column): string =>
  `ALTER TABLE ${column.table} ADD COLUMN ${columnDefinition(column)}`;

export const dropColumn = (column: Column): string => `ALTER TABLE ${column.table} DROP COLUMN ${column.name}`;

export const addConstraint = (constraint: Constraint, notValid: boolean): string =>
  `ALTER TABLE ${constraint.table} ADD CONSTRAINT ${constraint.name} ${constraint.definition}${notValid ? ' NOT VALID' : ''}`;

export const dropConstraint = (constraint: Constraint): string =>
  `ALTER TABLE ${constraint.table} DROP CONSTRAINT ${constraint.name}`;

export const validateConstraint = (constraint: Constraint): string =>
  `ALTER TABLE ${constraint.table} VALIDATE CONSTRAINT ${constraint.name}`;

/** pg_get_indexdef's CREATE INDEX, built CONCURRENTLY. */
export const createIndexConcurrently = (index: Index): string =>
  index.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ');

export const dropIndexConcurrently = (index: Index): string => `DROP INDEX CONCURRENTLY IF EXISTS ${index.name}`;

export const setComment = (comment: Comment, text: string | undefined): string =>
  `COMMENT ON ${comment.on.toUpperCase()} ${comment.target} IS ${text === undefined ? 'NULL' : literal(text)}`;

/** `type=bigint start=1 increment=1 min=1 max=… cache=1 [cycle]` as CREATE SEQUENCE options. */
export function createSequence(name: string, options: string): string {
  const option = (key: string) => new RegExp(`\\b${key}=(\\S+)`).exec(options)?.[1];
  return [
    `CREATE SEQUENCE ${name} AS ${option('type')}`,
    `START ${option('start')} INCREMENT ${option('increment')}`,
    `MINVALUE ${option('min')} MAXVALUE ${option('max')} CACHE ${option('cache')}`,
    options.includes(' cycle') ? 'CYCLE' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** DROP FUNCTION or DROP PROCEDURE, as the definition says. */
export function dropRoutine(signature: string, definition: string): string {
  return `DROP ${/^CREATE OR REPLACE PROCEDURE/.test(definition) ? 'PROCEDURE' : 'FUNCTION'} ${signature}`;
}

/** `CREATE TRIGGER name … ON public.t …` -> DROP TRIGGER name ON public.t */
export const dropTrigger = (table: string, name: string): string => `DROP TRIGGER ${name} ON ${table}`;

export function createType(name: string, variety: string, body: string): string | undefined {
  if (variety === 'enum') return `CREATE TYPE ${name} AS ENUM (${body})`;
  if (variety === 'domain') return `CREATE DOMAIN ${name} AS ${body}`;
  return undefined;
}
