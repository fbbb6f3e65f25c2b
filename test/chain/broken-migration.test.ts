// A migration file that does not parse is a configuration error (exit 3) naming the file and
// its line, from every command that reads migration modules but `lint`, where it is a
// `syntax-error` finding at that line; and it changes nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { catalogSnapshot } from '../support/catalog.ts';
import { runCli } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { migrationsDir } from '../support/migrations-dir.ts';

const BROKEN = '20270101000000000_broken';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await freshDatabase();
  dir = migrationsDir({});
  expect((await runCli(['up'], { DATABASE_URL: db.url, MIGRATIONS_DIR: dir })).code).toBe(0);
  writeFileSync(join(dir, `${BROKEN}.ts`), 'export const up = (pgm => { pgm.sql("SELECT 1") ;\n');
});
afterAll(() => db.drop());

const commands = [
  ['up'],
  ['up', '--dry-run'],
  ['plan'],
  ['plan', '--json'],
  ['down', '--count', '1', '--yes'],
  ['stamp', BROKEN],
];

for (const args of commands) {
  it(`${args.join(' ')}: exit 3, naming the file, database unchanged`, async () => {
    const before = await catalogSnapshot(db, { withLedger: true });
    const result = await runCli(args, { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`migration ${BROKEN} does not parse: .+ \\(line 2\\)`));
    expect(result.stderr).toContain(`file: ${join(dir, `${BROKEN}.ts`)}:2`);
    expect(result.stderr).not.toContain('unexpected error');
    expect(await catalogSnapshot(db, { withLedger: true })).toEqual(before);
  });
}

it('lint: a syntax-error finding at its line (exit 1), the other files linted all the same', async () => {
  const result = await runCli(['lint', '--json'], { MIGRATIONS_DIR: dir });
  expect(result.code).toBe(1);
  const { findings } = JSON.parse(result.stdout) as {
    findings: { rule: string; file: string; line: number; accepted?: string }[];
  };
  expect(findings.filter((finding) => !finding.accepted)).toEqual([
    expect.objectContaining({ rule: 'syntax-error', file: join(dir, `${BROKEN}.ts`), line: 2 }),
  ]);
});
