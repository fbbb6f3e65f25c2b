// Which indexes a statement builds, on which table and column, read from the parse tree: what
// build-sizing.ts needs to give the build its memory before PostgreSQL starts it.
import type { Node } from 'libpg-query';
import { DEFAULT_M } from './build-memory.ts';
import { parseStatements, tableName } from './parse-statements.ts';

export interface IndexBuild {
  /** "schema.table" */
  table: string;
  /** the first indexed column, when it is a plain column (not an expression) */
  column: string | undefined;
  method: string;
  m: number;
}

// Most statements build no index: only these are parsed (the parser is WASM, loaded on first use).
const MAY_BUILD = /\bcreate\s+(unique\s+)?index\b/i;

export async function indexBuildsIn(sql: string): Promise<IndexBuild[]> {
  if (!MAY_BUILD.test(sql)) return [];
  try {
    return (await parseStatements(sql)).flatMap(({ node }) => build(node));
  } catch {
    return []; // PostgreSQL will say what is wrong with it, better than we can
  }
}

function build(node: Node): IndexBuild[] {
  if (!('IndexStmt' in node) || !node.IndexStmt.relation?.relname) return [];
  const { relation, accessMethod = 'btree', indexParams = [], options = [] } = node.IndexStmt;
  const first = indexParams[0];
  const m = options.flatMap((o) => ('DefElem' in o && o.DefElem.defname === 'm' ? [o.DefElem.arg] : []))[0];
  return [
    {
      table: tableName(relation),
      column: first && 'IndexElem' in first ? first.IndexElem.name : undefined,
      method: accessMethod,
      m: m && 'Integer' in m ? (m.Integer.ival ?? DEFAULT_M) : DEFAULT_M,
    },
  ];
}
