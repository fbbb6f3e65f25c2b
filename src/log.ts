// Log lines go to stderr (stdout is kept for command results), as text or one
// JSON object per line; every line passes through redact(). Progress reports are
// info lines, except in text on a terminal: one line rewritten in place, cleared
// by the next line.
import type { LogFormat, LogLevel } from './settings/config.ts';
import { redact } from './settings/redact.ts';

export interface LogFields {
  migration?: string;
  duration_ms?: number;
  [key: string]: unknown;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** a progress report: replaces the previous one on a terminal */
  progress(msg: string, fields?: LogFields): void;
  /** clears the progress line off a terminal */
  endProgress(): void;
}

const CLEAR_LINE = '\r\x1b[2K';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  /** `terminal`: stderr is a terminal, where progress may rewrite its line */
  options: { format: LogFormat; level: LogLevel; terminal?: boolean },
  write: (line: string) => void = (line) => process.stderr.write(line),
  /** fields on every line, e.g. the database when one run migrates several */
  context: LogFields = {},
): Logger {
  const live = options.terminal === true && options.format === 'text';
  /** a progress line is on the terminal, without its newline */
  let open = false;
  const emit = (level: LogLevel, msg: string, own: LogFields = {}, inPlace = false) => {
    if (RANK[level] < RANK[options.level]) return;
    const fields = { ...context, ...own };
    const line =
      options.format === 'json'
        ? JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })
        : textLine(level, msg, fields);
    write(inPlace ? `${CLEAR_LINE}${redact(line)}` : `${open ? CLEAR_LINE : ''}${redact(line)}\n`);
    open = inPlace;
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    progress: (msg, fields) => emit('info', msg, fields, live),
    endProgress: () => {
      if (open) write(CLEAR_LINE);
      open = false;
    },
  };
}

// Text lines are for people: the message says it all; the fields are for JSON.
function textLine(level: LogLevel, msg: string, fields: LogFields): string {
  const where = fields.migration && !msg.includes(fields.migration) ? ` [${fields.migration}]` : '';
  const took = fields.duration_ms !== undefined ? ` (${fields.duration_ms} ms)` : '';
  const database = fields.database ? `${fields.database}: ` : '';
  return `${database}${level === 'info' ? '' : `${level}: `}${msg}${where}${took}`;
}
