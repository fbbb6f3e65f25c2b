import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../support/in-process.ts';
import { MIGRATIONS, migrationsDir } from '../support/migrations-dir.ts';

describe('create', () => {
  it('writes a timestamped file from each template, sorting last, and each passes lint as generated', async () => {
    const dir = migrationsDir({});
    const made: string[] = [];
    for (const flags of [[], ['--sql'], ['--no-transaction']]) {
      const result = await runInProcess(['create', `add_things_${made.length}`, ...flags], { MIGRATIONS_DIR: dir });
      expect(result.code).toBe(0);
      made.push(basename(result.stdout.trim()));
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct millisecond timestamps
    }
    expect(made[0]).toMatch(/^\d{17}_add_things_0\.ts$/);
    expect(made[1]).toMatch(/^\d{17}_add_things_1\.sql$/);
    expect(made[2]).toMatch(/^\d{17}_add_things_2\.ts$/);
    expect(
      readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort()
        .slice(-3),
    ).toEqual(made);
    expect(readFileSync(`${dir}/${made[1]}`, 'utf8')).toMatch(/-- Up Migration[\s\S]*-- Down Migration/);
    expect(readFileSync(`${dir}/${made[2]}`, 'utf8')).toContain('pgm.noTransaction()');

    const lint = await runInProcess(['lint'], { MIGRATIONS_DIR: dir });
    expect(lint.stdout).toContain(`${MIGRATIONS.length + 3} migrations linted: 0 findings`);
    expect(lint.code).toBe(0);
  });

  it('refuses a bad name and --sql with --no-transaction (exit 2)', async () => {
    const dir = migrationsDir({});
    expect((await runInProcess(['create', '../escape'], { MIGRATIONS_DIR: dir })).code).toBe(2);
    expect((await runInProcess(['create', 'x', '--sql', '--no-transaction'], { MIGRATIONS_DIR: dir })).code).toBe(2);
  });
});

describe('lint on the command line', () => {
  it('exits 1 on a finding not accepted, naming rule, file and line, and 0 once it is accepted with a reason', async () => {
    const risky =
      '-- Up Migration\nalter table events add column score int;\n\ncreate index events_score_idx on events (score);\n';
    const dir = migrationsDir({ '20270101000000000_score.sql': risky });
    const result = await runInProcess(['lint'], { MIGRATIONS_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/20270101000000000_score\.sql:4 {2}index-not-concurrent/);
    expect(result.stderr).toContain('lint: 1 finding not accepted');

    const accepted = migrationsDir({
      '20270101000000000_score.sql': `-- lint-accept: index-not-concurrent events is tiny in every deployment\n${risky}`,
    });
    const ok = await runInProcess(['lint'], { MIGRATIONS_DIR: accepted });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('(accepted: events is tiny in every deployment)');
  });
});
