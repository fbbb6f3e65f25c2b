// Log lines go to stderr (stdout is kept for command results), as text or one
// JSON object per line; every line passes through redact().
import type { LogFormat, LogLevel } from './config.ts';
import { redact } from './redact.ts';

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
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  options: { format: LogFormat; level: LogLevel },
  write: (line: string) => void = (line) => process.stderr.write(line),
  /** fields on every line, e.g. the database when one run migrates several */
  context: LogFields = {},
): Logger {
  const emit = (level: LogLevel, msg: string, own: LogFields = {}) => {
    if (RANK[level] < RANK[options.level]) return;
    const fields = { ...context, ...own };
    const line =
      options.format === 'json'
        ? JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })
        : textLine(level, msg, fields);
    write(`${redact(line)}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

// Text lines are for people: the message says it all; the fields are for JSON.
function textLine(level: LogLevel, msg: string, fields: LogFields): string {
  const where = fields.migration && !msg.includes(fields.migration) ? ` [${fields.migration}]` : '';
  const took = fields.duration_ms !== undefined ? ` (${fields.duration_ms} ms)` : '';
  const database = fields.database ? `${fields.database}: ` : '';
  return `${database}${level === 'info' ? '' : `${level}: `}${msg}${where}${took}`;
}
