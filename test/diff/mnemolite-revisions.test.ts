// `diff` on MnemoLite's own history: for each Alembic revision from b7c2e4f8a901 on, the real database at
// that revision (a fixture built by MnemoLite's own files) is the desired schema, and the chain is cut before
// the migrations that stand for it. The migrations diff writes must pass `lint`, bring the cut chain from
// empty to the real catalog, and their downs back to the cut point. One revision is read the declarative way,
// its SQL given to `--from-sql`.
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogDifferences } from '../support/catalog-differences.ts';
import { runCli, SHIPPED_MIGRATIONS } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { restoreState, stateSql, withoutPartman } from '../support/mnemolite-fixtures.ts';
import { REVISIONS } from '../support/mnemolite-revisions.ts';
import { temporaryDir } from '../support/temporary.ts';

const DECLARATIVE = '20260404_0000';

/** The chain before `first`, as links in a directory of its own. */
function cutChain(first: string): string {
  const dir = temporaryDir('mm-cut-');
  for (const file of readdirSync(SHIPPED_MIGRATIONS).filter((f) => /^\d{17}_.*\.ts$/.test(f) && f < first))
    symlinkSync(join(SHIPPED_MIGRATIONS, file), join(dir, file));
  return dir;
}

let scratch: TestDatabase;
beforeAll(async () => {
  scratch = await freshDatabase();
});
afterAll(() => scratch.drop());

describe('diff regenerates each of MnemoLite Alembic revisions from the real database', () => {
  it.each(REVISIONS)(
    '%s: lint finds nothing, from empty it makes the real catalog, down returns to the cut',
    async (revision, first) => {
      const real = await freshDatabase();
      const empty = await freshDatabase();
      try {
        await restoreState(real.url, revision);
        const dir = cutChain(first);
        const cut = readdirSync(dir).length;
        const env = { DATABASE_URL: scratch.url, MIGRATIONS_DIR: dir };

        // one revision the declarative way: its SQL as the schema file (pg_partman left out: optional)
        const schemaFile = join(temporaryDir('mm-schema-'), 'schema.sql');
        writeFileSync(schemaFile, withoutPartman(stateSql(revision)));
        const from = revision === DECLARATIVE ? ['--from-sql', schemaFile] : ['--from', real.url];
        const made = await runCli(['diff', `alembic-${revision.replace('_', '-')}`, ...from, '--json'], env);
        expect(made.stderr.slice(made.stderr.search(/^error:/m))).not.toMatch(/^error:/m);
        expect(made.code).toBe(0);
        const { migrations } = JSON.parse(made.stdout) as { migrations: { name: string; destructive: boolean }[] };
        expect(migrations.length).toBeGreaterThan(0);
        expect(migrations.filter((m) => m.destructive)).toEqual([]);

        const lint = await runCli(['lint'], { MIGRATIONS_DIR: dir });
        expect(lint.stdout + lint.stderr).toContain(`${cut + migrations.length} migrations linted: 0 findings`);
        const written = migrations.map((m) => readFileSync(join(dir, `${m.name}.ts`), 'utf8'));
        expect(written.filter((source) => source.includes('lint-accept'))).toEqual([]);
        expect(lint.code).toBe(0);

        const up = await runCli(['up'], { DATABASE_URL: empty.url, MIGRATIONS_DIR: dir });
        expect(up.code, up.stderr).toBe(0);
        expect(await catalogDifferences(real.url, empty.url)).toEqual([]);

        const down = await runCli(['down', '--count', String(migrations.length), '--yes'], {
          DATABASE_URL: empty.url,
          MIGRATIONS_DIR: dir,
        });
        expect(down.code, down.stderr).toBe(0);
        const atCut = await freshDatabase();
        try {
          const cutUp = await runCli(['up'], { DATABASE_URL: atCut.url, MIGRATIONS_DIR: cutChain(first) });
          expect(cutUp.code, cutUp.stderr).toBe(0);
          expect(await catalogDifferences(atCut.url, empty.url)).toEqual([]);
        } finally {
          await atCut.drop();
        }
      } finally {
        await real.drop();
        await empty.drop();
      }
    },
  );
});
