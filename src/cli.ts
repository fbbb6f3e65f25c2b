#!/usr/bin/env node
// The process around one command line: run it, report a failure on stderr,
// exit with the failure's own code.
import { dispatch, errorReport } from './commands/dispatch.ts';
import { exitCodeOf } from './errors.ts';

export async function main(argv: string[]): Promise<number> {
  const io = {
    env: process.env,
    stdout: (text: string) => process.stdout.write(text),
    stderr: (line: string) => process.stderr.write(line),
    terminal: process.stderr.isTTY === true,
  };
  try {
    await dispatch(argv, io);
    return 0;
  } catch (error) {
    process.stderr.write(errorReport(error, process.env));
    return exitCodeOf(error);
  }
}

process.exitCode = await main(process.argv.slice(2));
