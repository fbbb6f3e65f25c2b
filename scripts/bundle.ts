// `npm run bundle`: what the image runs, built from src/cli.ts with esbuild into
// bundle/ — our modules and their packages in one minified ES module, plus a chunk
// for each module src imports only when a command needs it (node-pg-migrate for
// applying, libpg-query for plan and lint), so the no-op `up` loads one file.
// bundle/ sits where dist/ does (one level below package.json, migrations/ and
// templates/): the image copies it to /app/dist. `npm run build` (tsc → dist/)
// stays what the tests and `npm start` run.
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}bundle`;
const src = `${root}src/`;

// `import { a, b as c } from 'node:x'` → `const a = (...args) => process.getBuiltinModule('node:x').a(...args)`,
// and so on: a built-in is loaded when first called, not with the chunk that names it (crypto, for one,
// while the server starts a session: database/wire-protocol.ts). An ES import of a built-in would even
// build a namespace of all its exports, running every lazy getter: `node:fs` alone loads fs/promises,
// readline and the streams, `node:util` worker_threads. What src imports from node: is functions.
const BUILTIN_IMPORT = /^import (\{[^}]*\}|\* as \w+|\w+) from '(node:[^']+)';$/gm;
// The module is looked up once, at the first call (a listing of the migrations calls readFileSync 100 times).
let imports = 0;
function builtinFromProcess(_: string, names: string, builtin: string): string {
  const from = `process.getBuiltinModule(${JSON.stringify(builtin)})`;
  if (!names.startsWith('{')) return `const ${names.replace(/^\* as /, '')} = ${from};`;
  const module = `builtin$${++imports}`;
  const functions = names
    .slice(1, -1)
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && !name.startsWith('type '))
    .map((name) => {
      const [exported, local = exported] = name.split(' as ');
      return `const ${local} = (...args: unknown[]) => (${module} ??= ${from}).${exported}(...args);`;
    });
  return [`let ${module}: any;`, ...functions].join(' ');
}

// Our sources as the bundle needs them: built-ins through process.getBuiltinModule (above), and
// module URLs. src finds package.json, migrations/ and templates/ from its module's URL as tsc lays
// it out (dist/commands/create.js → ../../templates). Every output file lands in
// bundle/ itself, so each module's URL is rebuilt from the chunk's: the path tsc would give it.
const sources: Plugin = {
  name: 'sources',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, ({ path }) => {
      if (!path.startsWith(src)) return undefined;
      const text = readFileSync(path, 'utf8').replace(BUILTIN_IMPORT, builtinFromProcess);
      if (/^import (?!type ).* from 'node:/m.test(text)) throw new Error(`${path}: an import of a built-in left as is`);
      const asTsc = `./${relative(src, path).replace(/\.ts$/, '.js')}`;
      return {
        contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(asTsc)}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
};

rmSync(out, { recursive: true, force: true });
const result = await build({
  entryPoints: [`${src}cli.ts`],
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.12',
  // whitespace and syntax only: names stay, for stack traces and CPU profiles
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // ES module builds first: a chunk that esbuild splits off from a CommonJS entry exports
  // only `default` to a dynamic import (libpg-query's main is CommonJS, its module is not)
  mainFields: ['module', 'main'],
  // pg's optional native binding: never installed, never loaded (only `pg.native` would)
  external: ['pg-native'],
  // node-pg-migrate loads .ts migrations with jiti; in the bundle, jiti's native mode:
  // Node 24 strips the migrations' types itself, without jiti's 1.5 MB of Babel
  alias: { jiti: 'jiti/native' },
  // The CommonJS packages (pg, libpg-query's Emscripten loader) require Node's built-ins and
  // read __dirname, which an ES module does not have. Every require left in the bundle is a
  // built-in, so process.getBuiltinModule serves them (no node:module to import); __dirname is
  // the chunk's own directory.
  banner: {
    js: 'const require=(id)=>{const m=process.getBuiltinModule(id);if(m===undefined)throw new Error("cannot require "+id+" in the bundle");return m};',
  },
  define: { __dirname: 'import.meta.dirname', __filename: 'import.meta.filename' },
  plugins: [sources],
});
// libpg-query's loader reads its WebAssembly from __dirname: the chunk's directory
copyFileSync(fileURLToPath(import.meta.resolve('libpg-query/wasm/libpg-query.wasm')), `${out}/libpg-query.wasm`);

const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
process.stdout.write(`bundle/: ${Object.keys(result.metafile.outputs).length} files, ${bytes} bytes of JavaScript\n`);
