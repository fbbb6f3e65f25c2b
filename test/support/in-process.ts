// The command line run in this process (src/commands/dispatch.ts, the same code the CLI
// process runs, minus the process): for tests of results, exit codes and
// output that no signal, fault or container is needed for. Same result shape
// as runCli, so a test says by its helper whether it needs a process.
import { dispatch, errorReport } from '../../src/commands/dispatch.ts';
import { exitCodeOf } from '../../src/errors.ts';
import { type CliResult, cliEnv } from './cli.ts';

export async function runInProcess(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = {
    env: cliEnv(env),
    stdout: (text: string) => {
      stdout += text;
    },
    stderr: (line: string) => {
      stderr += line;
    },
  };
  try {
    await dispatch(args, io);
    return { code: 0, signal: null, stdout, stderr };
  } catch (error) {
    stderr += errorReport(error, io.env);
    return { code: exitCodeOf(error), signal: null, stdout, stderr };
  }
}
