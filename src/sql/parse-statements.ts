// SQL split into statements by PostgreSQL's own parser (libpg_query), for plan,
// the lock-mode table and lint alike. The parser's offsets count UTF-8 bytes,
// so they are applied to the bytes, never to the JavaScript string.
import { setFlagsFromString } from 'node:v8';
import type { Node, RangeVar, RawStmt, SqlError } from 'libpg-query';
import { SqlSyntaxError } from '../errors.ts';

export interface Statement {
  node: Node;
  /** the statement as written, without the comments and blank lines before it */
  text: string;
  /** 1-based line of `text` in the parsed SQL */
  line: number;
}

// whitespace, `-- …` lines and `/* … */` blocks (not nested: migrations do not nest them)
const LEADING = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

export async function parseStatements(sql: string): Promise<Statement[]> {
  if (sql.trim() === '') return []; // the parser rejects an empty query
  // Loaded lazily: the parser is WASM, and only plan, lint and pending migrations need it. V8 then
  // compiles it once, with its baseline compiler: the optimizing tier it builds otherwise, on
  // background threads, holds the process's exit up to 0.7 s after the work (bench/exit-gap.ts).
  // Set here, not on node's command line, where any V8 flag costs every start (Dockerfile.migrate);
  // at run time V8 applies no implications, so those of --liftoff-only are spelled out.
  setFlagsFromString('--liftoff-only --no-wasm-tier-up --no-wasm-dynamic-tiering');
  const { parse } = await import('libpg-query');
  let stmts: RawStmt[];
  try {
    stmts = (await parse(sql)).stmts ?? [];
  } catch (error) {
    // unlike statement locations, an error position counts characters
    const position = (error as SqlError).sqlDetails?.cursorPosition ?? 0;
    throw new SqlSyntaxError((error as Error).message, lineAt(sql.slice(0, position)));
  }
  const bytes = Buffer.from(sql);
  const statements: Statement[] = [];
  for (const { stmt, stmt_location = 0, stmt_len } of stmts) {
    if (!stmt) continue;
    // a length of 0 (or none) means "to the end of the input"
    const end = stmt_len ? stmt_location + stmt_len : bytes.length;
    const before = bytes.subarray(0, stmt_location).toString();
    const written = bytes.subarray(stmt_location, end).toString();
    const skipped = LEADING.exec(written)![0];
    statements.push({ node: stmt, text: written.slice(skipped.length).trimEnd(), line: lineAt(before + skipped) });
  }
  return statements;
}

function lineAt(before: string): number {
  return before.split('\n').length;
}

/**
 * "schema.table" for a relation, or for the dotted name parts of a DROP. An
 * unqualified name means `public`: MnemoLite keeps every table there and never
 * changes search_path.
 */
export function tableName(relation: RangeVar | string[]): string {
  if (!Array.isArray(relation)) return `${relation.schemaname ?? 'public'}.${relation.relname}`;
  const [schema, table] = relation.length === 1 ? ['public', relation[0]] : relation.slice(-2);
  return `${schema}.${table}`;
}

/** The strings of a parse-tree list: the parts of a dotted name, a column list. */
export function strings(items: Node[] = []): string[] {
  return items.flatMap((item) => ('String' in item ? [item.String.sval ?? ''] : []));
}
