// The command table and the error classes: what the CLI relies on to parse,
// dispatch, print and pick an exit code, checked without starting a process.
import { describe, expect, it } from 'vitest';
import { COMMANDS, type CommandName } from '../../src/commands/command-table.ts';
import * as errors from '../../src/errors.ts';
import { exitCodeOf } from '../../src/errors.ts';

const RETURNING_DATA: CommandName[] = [
  'up',
  'down',
  'status',
  'history',
  'current',
  'verify',
  'plan',
  'lint',
  'snapshot',
];

describe('the command table', () => {
  it('every command that returns data takes --json', () => {
    for (const name of RETURNING_DATA) {
      expect(COMMANDS[name].flags, name).toContain('--json');
      expect(COMMANDS[name].usage, name).toContain('[--json]');
    }
  });

  it('each entry loads a module with args, run and format; only lint and create work without the database', async () => {
    const local = Object.entries(COMMANDS)
      .filter(([, spec]) => !spec.database)
      .map(([name]) => name);
    expect(local.sort()).toEqual(['create', 'lint']);
    for (const [name, spec] of Object.entries(COMMANDS)) {
      const command = await spec.load();
      expect(typeof command.args, name).toBe('function');
      expect(typeof command.run, name).toBe('function');
      expect(typeof command.format, name).toBe('function');
    }
  });

  it('--json prints the result itself; text mode prints what an operator reads', async () => {
    const up = await COMMANDS.up.load();
    const result = { applied: ['001_a'], stamped: [], checksums_recorded: [], head: '001_a' };
    expect(JSON.parse(up.format(result, { json: true }))).toEqual(result);
    expect(up.format(result, { json: false })).toBe(''); // the log lines on stderr tell the story

    const history = await COMMANDS.history.load();
    const entries = [{ name: '001_a', run_on: '2026-01-01T00:00:00.000Z' }];
    expect(JSON.parse(history.format(entries, { json: true }))).toEqual(entries);
    expect(history.format(entries, { json: false })).toBe('2026-01-01T00:00:00.000Z  001_a');
    expect(history.format([], { json: false })).toBe('(no migration applied)');

    const lint = await COMMANDS.lint.load();
    const clean = { migrations: 2, findings: [] };
    expect(lint.format(clean, { json: false })).toBe('2 migrations linted: 0 findings, 0 accepted');
    expect(lint.failure!(clean)).toBeUndefined();
    const finding = { file: '/m/001_a.sql', line: 3, rule: 'index-not-concurrent', message: 'm', why: 'w', fix: 'f' };
    expect(lint.failure!({ migrations: 1, findings: [finding] })).toMatchObject({ exitCode: 1 });
    expect(lint.failure!({ migrations: 1, findings: [{ ...finding, accepted: 'reason' }] })).toBeUndefined();
  });

  it('create refuses --sql with --no-transaction before writing anything', async () => {
    const create = await COMMANDS.create.load();
    expect(() =>
      create.args({ flags: { sql: true, 'no-transaction': true }, positionals: ['x'], config: {} as never }),
    ).toThrow(errors.UsageError);
  });
});

describe('errors carry their exit code', () => {
  const cases: [errors.MigrateError, number][] = [
    [new errors.MigrationFailed('m'), 1],
    [new errors.LockNotGranted('001_a', new errors.MigrationFailed('m')), 1],
    [new errors.SharedMemoryTooSmall('001_a', new errors.MigrationFailed('m')), 1],
    [new errors.LintFindings('m'), 1],
    [new errors.IrreversibleMigration('m'), 1],
    [new errors.UsageError('m'), 2],
    [new errors.ChangeRefused('m'), 2],
    [new errors.ConfigError('m'), 3],
    [new errors.InvalidUrl('m'), 3],
    [new errors.SqlSyntaxError('m', 1), 3],
    [new errors.ExtensionsMissing('m'), 3],
    [new errors.DatabaseUnavailable('m'), 4],
    [new errors.DatabaseMissing('m'), 4],
    [new errors.StandbyRefused('replica:5432/db', '`up` writes'), 4],
    // several databases: the exit code is the worst of theirs
    [
      new errors.DatabasesFailed(
        [
          { database: 'a', exitCode: 4 },
          { database: 'b', exitCode: 6 },
          { database: 'c', exitCode: 1 },
        ],
        4,
      ),
      6,
    ],
    [new errors.DatabasesFailed([{ database: 'a', exitCode: 5 }], 2), 5],
    [new errors.MigrationSyntaxError('m', 'f.ts', 1), 3],
    [new errors.LockTimeout('m'), 5],
    [new errors.SchemaMismatch('m'), 6],
    [new errors.PendingMigrations('m'), 7],
    [new errors.PerTransactionPooling('m'), 8],
    [new errors.Interrupted('SIGINT', undefined), 130],
    [new errors.Interrupted('SIGTERM', undefined), 143],
  ];

  it.each(cases)('%s', (error, code) => {
    expect(error.exitCode).toBe(code);
    expect(exitCodeOf(error)).toBe(code);
  });

  it('every class in errors.ts is covered above', () => {
    const classes = Object.values(errors).filter(
      (value) => typeof value === 'function' && /^class /.test(value.toString()),
    );
    const covered = new Set(cases.map(([error]) => error.constructor));
    expect(
      classes
        .filter((c) => c !== errors.MigrateError && !covered.has(c as never))
        .map((c) => (c as { name: string }).name),
    ).toEqual([]);
  });

  it('an unexpected error is still a failure (1)', () => {
    expect(exitCodeOf(new TypeError('bug'))).toBe(1);
    expect(exitCodeOf('thrown string')).toBe(1);
  });

  it('one place words a stop by signal', () => {
    expect(new errors.Interrupted('SIGTERM', 'while waiting for the migration lock').message).toBe(
      'stopped by SIGTERM while waiting for the migration lock',
    );
    expect(
      new errors.Interrupted('SIGINT', 'during 001_a, which was rolled back', 'the migration lock is released').message,
    ).toBe('stopped by SIGINT during 001_a, which was rolled back; the migration lock is released');
    expect(new errors.Interrupted('SIGTERM', undefined, 'the migration lock is released').message).toBe(
      'stopped by SIGTERM; the migration lock is released',
    );
  });
});
