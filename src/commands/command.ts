// The shape of one command: its arguments, checked before anything connects;
// `run` returning a typed result; `format` turning the result into stdout text
// or JSON; and, for results that are failures, the error to exit with.

import type { MigrateError } from '../errors.ts';
import type { Context, Session } from '../session/session.ts';
import type { Config } from '../settings/config.ts';

export type Flags = Record<string, string | boolean | undefined>;

export interface Invocation {
  flags: Flags;
  positionals: string[];
  config: Config;
}

interface CommandBase<A, R> {
  /** Reads (and for `down`, confirms) the arguments; throws UsageError. */
  args(invocation: Invocation): A | Promise<A>;
  /** The text for stdout; empty prints nothing (the logs on stderr tell the story). */
  format(result: R, options: { json: boolean }): string;
  /** When the result itself is a failure (lint findings, verify not ok): the error, printed after the result. */
  failure?(result: R): MigrateError | undefined;
}

export interface DatabaseCommand<A, R> extends CommandBase<A, R> {
  run(session: Session, args: A): Promise<R>;
  /** Answers without a session when it can (undefined: it cannot, run decides), for the path every start takes. */
  quick?(context: Context, args: A): Promise<R | undefined>;
}

export interface LocalCommand<A, R> extends CommandBase<A, R> {
  run(args: A): Promise<R>;
}

export const noArgs = (): undefined => undefined;

export const asJson = (result: unknown): string => JSON.stringify(result ?? null, null, 2);
