// The catalog listing's lines taken apart into the objects `diff` writes SQL
// for. Names stay as the listing prints them (quoted where needed, schema-
// qualified), so they go into SQL as they are.
import { objectOf } from '../chain/expected-catalog.ts';
import { parseCommentLine } from '../database/catalog-listing.ts';

/** Every object keeps its catalog line, and the key it is compared by. */
interface Listed {
  key: string;
  line: string;
}

export interface Column extends Listed {
  kind: 'column';
  table: string;
  name: string;
  type: string;
  notNull: boolean;
  default?: string;
  generated?: string;
  identity?: 'always' | 'by-default';
  collate?: string;
}

export interface Index extends Listed {
  kind: 'index';
  table: string;
  /** schema-qualified, as DROP INDEX takes it */
  name: string;
  definition: string;
}

export interface Constraint extends Listed {
  kind: 'constraint';
  table: string;
  name: string;
  type: string;
  /** pg_get_constraintdef without its NOT VALID */
  definition: string;
  validated: boolean;
}

export interface Comment extends Listed {
  kind: 'comment';
  on: 'table' | 'column' | 'index' | 'view' | 'function';
  target: string;
  text: string;
}

export type CatalogObject = Listed &
  (
    | { kind: 'extension'; name: string; schema: string }
    | { kind: 'schema'; name: string }
    | { kind: 'table'; name: string; plain: boolean }
    | { kind: 'view'; name: string; definition: string }
    | { kind: 'sequence'; name: string; options: string; ownedBy?: string }
    | Column
    | { kind: 'column-order'; table: string }
    | Index
    | Constraint
    | { kind: 'function'; signature: string }
    | { kind: 'trigger'; table: string; name: string; definition: string }
    | { kind: 'type'; name: string; variety: string; body: string }
    | Comment
    /** a kind `diff` does not write (materialized views, aggregates, foreign tables, …) */
    | { kind: 'other' }
  );

const COLUMN =
  /^column (\S+) (.+?) (not-null|null)(?: (default|generated)=(.*?))?(?: identity=(always|by-default))?(?: collate=(\S+))?$/s;
const SEQUENCE = /^sequence (\S+) (type=.*?)(?: owned-by=(\S+))?$/;

/** `public.t.c` -> [`public.t`, `c`]: the last dot outside double quotes splits it. */
export function splitLast(name: string): [string, string] {
  let quoted = false;
  let last = -1;
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '"') quoted = !quoted;
    else if (name[i] === '.' && !quoted) last = i;
  }
  return [name.slice(0, last), name.slice(last + 1)];
}

export function parseObject(line: string): CatalogObject {
  const key = objectOf(line);
  const [kind = '', name = ''] = line.split(' ', 2);
  const rest = line.slice(line.indexOf(': ') + 2);
  switch (kind) {
    case 'extension':
      return { key, line, kind, name, schema: line.slice(line.indexOf(' schema=') + 8) };
    case 'schema':
      return { key, line, kind, name };
    case 'table':
      return { key, line, kind, name, plain: line === `table ${name}` };
    case 'view':
      return { key, line, kind, name: name.replace(/:$/, ''), definition: rest.trim().replace(/;$/, '') };
    case 'sequence': {
      const match = SEQUENCE.exec(line);
      if (match) return { key, line, kind, name, options: match[2]!, ownedBy: match[3] };
      break;
    }
    case 'column': {
      const match = COLUMN.exec(line);
      if (!match) break;
      const [, qualified = '', type = '', nullable, what, expression, identity, collate] = match;
      const [table, column] = splitLast(qualified);
      return {
        key,
        line,
        kind,
        table,
        name: column,
        type,
        notNull: nullable === 'not-null',
        ...(what === 'default' ? { default: expression } : what === 'generated' ? { generated: expression } : {}),
        ...(identity ? { identity: identity as Column['identity'] } : {}),
        ...(collate ? { collate } : {}),
      };
    }
    case 'column-order':
      return { key, line, kind, table: name.replace(/:$/, '') };
    case 'index': {
      const [table] = splitLast(name.replace(/:$/, ''));
      const schema = splitLast(table)[0];
      const definition = rest.replace(/ \[(INVALID|CLUSTERED)\]/g, '');
      return { key, line, kind, table, name: `${schema}.${splitLast(name.replace(/:$/, ''))[1]}`, definition };
    }
    case 'constraint': {
      const [table, constraint] = splitLast(name);
      const type = line.split(' ', 3)[2]!.replace(/:$/, '');
      const validated = !rest.endsWith(' [NOT VALIDATED]');
      const definition = rest.replace(/ \[NOT VALIDATED\]$/, '').replace(/ NOT VALID$/, '');
      return { key, line, kind, table, name: constraint, type, definition, validated };
    }
    case 'function':
      return { key, line, kind, signature: key.slice('function '.length) };
    case 'trigger': {
      const [table, trigger] = splitLast(name.replace(/:$/, ''));
      if (rest.endsWith(']')) break; // disabled or replica-only: not written
      return { key, line, kind, table, name: trigger, definition: rest };
    }
    case 'type': {
      const [, , variety = '', ...body] = line.split(' ');
      return { key, line, kind, name, variety: variety.replace(/:$/, ''), body: body.join(' ') };
    }
    case 'comment': {
      const { kind: on, target, text } = parseCommentLine(line);
      return { key, line, kind, on: on as Comment['on'], target, text };
    }
  }
  return { key, line, kind: 'other' };
}

/** A catalog listing by object key. */
export function objectsByKey(lines: readonly string[]): Map<string, CatalogObject> {
  return new Map(lines.map((line) => [objectOf(line), parseObject(line)]));
}
