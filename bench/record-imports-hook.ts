// Loaded with `node --import`: appends to $BENCH_IMPORTS_FILE every bare
// specifier (a package) that a module of dist/ imports, as the process runs —
// the packages a command actually loads on its path.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const out = process.env.BENCH_IMPORTS_FILE;
const seen = new Set<string>();

registerHooks({
  resolve(specifier, context, nextResolve) {
    const bare = !/^(node:|file:|data:|\.|\/)/.test(specifier) && !specifier.startsWith('#');
    if (
      out &&
      bare &&
      context.parentURL?.includes('/dist/') &&
      !context.parentURL.includes('/node_modules/') &&
      !seen.has(specifier)
    ) {
      seen.add(specifier);
      appendFileSync(out, `${specifier}\n`);
    }
    return nextResolve(specifier, context);
  },
});
