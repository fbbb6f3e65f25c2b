// A migration file that does not load is a configuration error (exit 3) naming
// the file, from every command that reads migration modules, and changes nothing.
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
  ['lint'],
  ['lint', '--json'],
  ['down', '--count', '1', '--yes'],
  ['stamp', BROKEN],
];

for (const args of commands) {
  it(`${args.join(' ')}: exit 3, naming the file, database unchanged`, async () => {
    const before = await catalogSnapshot(db, { withLedger: true });
    const result = await runCli(args, { DATABASE_URL: db.url, MIGRATIONS_DIR: dir });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`migration ${BROKEN} does not load: `);
    expect(result.stderr).toContain(`file: ${join(dir, `${BROKEN}.ts`)}`);
    expect(result.stderr).not.toContain('unexpected error');
    expect(await catalogSnapshot(db, { withLedger: true })).toEqual(before);
  });
}
