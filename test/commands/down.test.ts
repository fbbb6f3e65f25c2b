import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogSnapshot } from '../support/catalog.ts';
import { CLI, cliEnv, runCli } from '../support/cli.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { runInProcess } from '../support/in-process.ts';
import { BASELINE, HEAD, MIGRATIONS } from '../support/migrations-dir.ts';

const BEFORE_HEAD = MIGRATIONS.at(-2)!;

let db: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  db = await freshDatabase();
  env = { DATABASE_URL: db.url };
});
afterAll(() => db.drop());

describe('down', () => {
  it('up → down to the baseline → up leaves exactly the same schema', async () => {
    expect((await runInProcess(['up'], env)).code).toBe(0);
    const atHead = await catalogSnapshot(db);

    const down = await runInProcess(['down', '--to', BASELINE, '--yes'], env);
    expect(down.code).toBe(0);
    expect(down.stderr).toContain(`reverted ${MIGRATIONS.length - 1} migrations; database is at ${BASELINE}`);
    const atBaseline = await catalogSnapshot(db);
    expect(atBaseline).not.toContain('code_chunks');
    expect(atBaseline).toContain('column events.embedding vector(768)');
    expect(await db.query('select name from pgmigrations_checksums')).toEqual([{ name: BASELINE }]);

    const verify = await runInProcess(['verify'], env);
    expect(verify.code).toBe(7);
    expect(verify.stderr).toContain(`${MIGRATIONS.length - 1} migrations are not applied`);

    expect((await runInProcess(['up'], env)).code).toBe(0);
    expect(await catalogSnapshot(db)).toEqual(atHead);
  });

  it('never goes below the baseline, and says how far it can go', async () => {
    const result = await runInProcess(['down', '--count', '100', '--yes'], env);
    expect(result.code).toBe(2);
    const n = MIGRATIONS.length;
    expect(result.stderr).toContain(
      `cannot revert 100 migrations: ${n - 1} can be (${n} applied, the baseline ${BASELINE} stays); use --count ${n - 1}, or --to <migration>`,
    );
    expect((await runInProcess(['current'], env)).stdout.trim()).toBe(HEAD);
  });

  it('reverts by count', async () => {
    const result = await runInProcess(['down', '--count', '1', '--yes'], env);
    expect(result.code).toBe(0);
    expect((await runInProcess(['current'], env)).stdout.trim()).toBe(BEFORE_HEAD);
    // the head creates the monitoring views; reverting it drops them
    expect(await db.query(`select to_regclass('partitioning_readiness') as v`)).toEqual([{ v: null }]);
    expect((await runInProcess(['up'], env)).code).toBe(0);
  });

  it('needs an explicit target, and --yes when stdin is not a terminal', async () => {
    const noTarget = await runInProcess(['down', '--yes'], env);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('down needs exactly one of --to <migration> or --count <n>');
    const noYes = await runCli(['down', '--count', '1'], env);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('pass --yes');
    const unknown = await runInProcess(['down', '--to', 'nope', '--yes'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--to nope: not an applied migration');
    expect((await runInProcess(['current'], env)).stdout.trim()).toBe(HEAD);
  });

  it('is a no-op to the current migration', async () => {
    const result = await runInProcess(['down', '--to', HEAD, '--yes'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('nothing to revert');
  });
});

describe('down from a terminal', () => {
  // `script` gives the CLI a pseudo-terminal, so it asks instead of demanding --yes
  const inTerminal = (args: string, answer: string) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('script', ['-qec', `${process.execPath} ${CLI} ${args}`, '/dev/null'], { env: cliEnv(env) });
      let output = '';
      let answered = false;
      child.stdin.on('error', () => undefined); // the terminal may close before stdin drains
      child.stdout.on('data', (chunk) => {
        output += chunk;
        if (!answered && output.includes('[y/N]')) {
          answered = true; // once: the echo of the answer arrives as more output
          child.stdin.write(`${answer}\n`);
        }
      });
      child.on('close', (code) => resolve({ code, output }));
    });

  it('asks for confirmation; anything but yes changes nothing (exit 2), yes reverts', async () => {
    const refused = await inTerminal('down --count 1', 'n');
    expect(refused.output).toContain('Revert the newest 1 migration(s) on');
    expect(refused.code).toBe(2);
    expect((await runCli(['current'], env)).stdout.trim()).toBe(HEAD);

    const confirmed = await inTerminal('down --count 1', 'y');
    expect(confirmed.code).toBe(0);
    expect((await runCli(['current'], env)).stdout.trim()).toBe(BEFORE_HEAD);
    expect((await runCli(['up'], env)).code).toBe(0);
  });
});
