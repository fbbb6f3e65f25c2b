// The house rules of src/, read from its imports (static, dynamic and type-only): no import circle,
// no import up the layers, SQL sent from src/database/ alone, and a short root.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;
const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.split('\\').join('/'))
  .toSorted();
const IMPORT = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+\.ts)'/g;
const imports = new Map(
  files.map((file) => {
    const text = readFileSync(join(SRC, file), 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) =>
      normalize(join(dirname(file), m[1]!))
        .split('\\')
        .join('/'),
    );
    return [file, [...new Set(targets)]];
  }),
);

// lowest first: a module imports its own layer or lower ones, never a higher one (docs/design.md)
const LAYERS: [number, RegExp][] = [
  [0, /^(errors|log|signals)\.ts$|^settings\//],
  [1, /^(database|chain|sql)\//],
  [2, /^session\//],
  [3, /^(apply|decisions|diff|lint)\//],
  [4, /^commands\//],
  [5, /^cli\.ts$/],
];
const layerOf = (file: string): number => {
  const layer = LAYERS.find(([, pattern]) => pattern.test(file));
  if (!layer) throw new Error(`src/${file} is in no layer: place it in a folder of docs/design.md`);
  return layer[0];
};

describe('src/ layout', () => {
  it('every import resolves to a file of src/', () => {
    const missing = [...imports].flatMap(([file, targets]) =>
      targets.filter((target) => !files.includes(target)).map((target) => `${file} -> ${target}`),
    );
    expect(missing).toEqual([]);
  });

  it('no import runs up the layers', () => {
    const upward = [...imports].flatMap(([file, targets]) =>
      targets.filter((target) => layerOf(target) > layerOf(file)).map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('no import circle', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of imports.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(circles).toEqual([]);
  });

  it('SQL is sent from src/database/ alone, and the root holds only the process', () => {
    const senders = files.filter(
      (file) => !file.startsWith('database/') && /\.query\(/.test(readFileSync(join(SRC, file), 'utf8')),
    );
    expect(senders).toEqual([]);
    expect(files.filter((file) => !file.includes('/'))).toEqual(['cli.ts', 'errors.ts', 'log.ts', 'signals.ts']);
  });
});
