import { expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';

const CLEAR = '\r\x1b[2K';

it('on a terminal, progress rewrites one line in place and the next line clears it', () => {
  const out: string[] = [];
  const log = createLogger({ format: 'text', level: 'info', terminal: true }, (text) => out.push(text));
  log.progress('still running m: 1 s, rows 10/30 (33%)');
  log.progress('still running m: 2 s, rows 20/30 (66%)');
  log.info('applied m', { migration: 'm', duration_ms: 5 });
  expect(out).toEqual([
    `${CLEAR}still running m: 1 s, rows 10/30 (33%)`,
    `${CLEAR}still running m: 2 s, rows 20/30 (66%)`,
    `${CLEAR}applied m (5 ms)\n`,
  ]);
});

it('endProgress clears a progress line left on the terminal, and only then', () => {
  const out: string[] = [];
  const log = createLogger({ format: 'text', level: 'info', terminal: true }, (text) => out.push(text));
  log.endProgress();
  log.progress('still running m: 1 s');
  log.endProgress();
  log.endProgress();
  expect(out).toEqual([`${CLEAR}still running m: 1 s`, CLEAR]);
});

it('elsewhere, and always in JSON, progress is one info line a beat', () => {
  for (const options of [
    { format: 'text', level: 'info', terminal: false },
    { format: 'json', level: 'info', terminal: true },
  ] as const) {
    const out: string[] = [];
    const log = createLogger(options, (text) => out.push(text));
    log.progress('still running m: 1 s', { percent: 33, remaining_s: 4 });
    log.progress('still running m: 2 s', { percent: 66, remaining_s: 2 });
    log.endProgress();
    expect(out).toHaveLength(2);
    expect(out.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    if (options.format === 'json')
      expect(JSON.parse(out[1]!)).toMatchObject({ level: 'info', percent: 66, remaining_s: 2 });
  }
});

it('progress is info: a higher LOG_LEVEL hides it', () => {
  const out: string[] = [];
  const log = createLogger({ format: 'text', level: 'warn', terminal: true }, (text) => out.push(text));
  log.progress('still running m: 1 s');
  log.warn('careful');
  expect(out).toEqual(['warn: careful\n']);
});
