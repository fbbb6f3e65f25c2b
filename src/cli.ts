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
// The result is decided and printed: a SIGTERM or SIGINT from now on must not turn it into 143 or
// 130. Node drops handlers once it tears down, so that window is kept short: the SQL parser's
// WebAssembly is compiled without V8's optimizing tier, whose background work held the exit up to
// 0.7 s (src/sql/parse-statements.ts, bench/exit-gap.ts).
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => undefined);
