// Where the rendered SQL steps of one direction sit in the migration's source,
// so findings can name a line. A step written verbatim (a .sql section, a
// pgm.sql template without interpolation) is found exactly; a step the
// builder generated is pinned to the line declaring `up` / `down`.
import { extname } from 'node:path';
import type { SqlPiece } from './lint-sql.ts';

export function locateSteps(
  source: string,
  path: string,
  direction: 'up' | 'down',
  steps: readonly string[],
): SqlPiece[] {
  // a TypeScript migration without down replays up in reverse
  const start = declaration(source, path, direction) ?? declaration(source, path, 'up') ?? 0;
  const declared = lineAt(source, start);
  let cursor = start;
  return steps.map((step) => {
    // pgm.sql() appends the ';' a section or template did not end with
    const candidates = step.endsWith(';') ? [step, step.slice(0, -1)] : [step];
    for (const text of candidates) {
      // after the previous step first, so repeated statements map to successive places
      const at = text.trim() === '' ? -1 : firstIndexOf(source, text, cursor);
      if (at >= 0) {
        cursor = at + text.length;
        return { sql: step, line: lineAt(source, at), verbatim: true };
      }
    }
    return { sql: step, line: declared, verbatim: false };
  });
}

function firstIndexOf(source: string, text: string, from: number): number {
  const after = source.indexOf(text, from);
  return after >= 0 ? after : source.indexOf(text);
}

// The offset of the `-- Up Migration` marker (node-pg-migrate's own regex) or
// of the `up` function (a .sql file without markers is all up).
function declaration(source: string, path: string, direction: 'up' | 'down'): number | undefined {
  const pattern =
    extname(path).toLowerCase() === '.sql'
      ? new RegExp(`^\\s*--[\\s-]*${direction}\\s+migration`, 'im')
      : new RegExp(
          `^[ \\t]*(?:export\\s+)?(?:(?:async\\s+)?function|const|let|var)\\s+${direction}\\b|\\bexports\\.${direction}\\b`,
          'm',
        );
  const match = pattern.exec(source);
  if (!match) return undefined;
  return match.index + match[0].length - match[0].trimStart().length;
}

function lineAt(source: string, offset: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) line++;
  return line;
}
