import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/command-table.ts';
import { runCli } from '../support/cli.ts';

describe('usage', () => {
  it('--help lists every command, exit 0', async () => {
    const result = await runCli(['--help'], {});
    expect(result.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(result.stdout).toContain(`  ${name}`);
  });

  it('every command answers --help without settings or a database', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const result = await runCli([name, '--help'], { POSTGRES_PORT: 'not-a-port' });
      expect(result.code, name).toBe(0);
      expect(result.stdout).toContain(`usage: mnemolite-migrate ${name}`);
    }
  });

  it('an unknown command is exit 2 with the usage', async () => {
    const result = await runCli(['upgrade'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "upgrade"');
    expect(result.stderr).toContain('usage: mnemolite-migrate');
  });

  it('an unknown flag is exit 2 with the command usage', async () => {
    const result = await runCli(['up', '--fast'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown flag --fast for up; the flags it takes are below');
    expect(result.stderr).not.toContain("after '--'"); // Node's words, not ours
    expect(result.stderr).toContain('usage: mnemolite-migrate up');
    const short = await runCli(['-v'], {});
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('unknown flag -v for up (did you mean --version?)');
    expect((await runCli(['--fast'], {})).code).toBe(2);
    expect((await runCli(['stamp'], {})).code).toBe(2);
  });

  it('--help gives every exit code the README documents', async () => {
    const result = await runCli(['--help'], {});
    for (const code of [
      '0 ok',
      '1 migration failed',
      '2 usage',
      '3 configuration',
      '4 database unreachable',
      '5 lock timeout',
      '6 drift',
      '7 pending',
      '8 a pooler',
      '130 / 143',
    ])
      expect(result.stdout).toContain(code);
  });

  it('--version prints the version', async () => {
    const result = await runCli(['--version'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^mnemolite-migrate \d+\.\d+\.\d+/);
    expect(result.stderr).toBe('');
  });
});
