// The standby check on the in-memory port: a command that writes is refused with exit 4, one that
// reads goes on and says it reads a replica. test/session/standby.test.ts runs the CLI on a real replica.
import { expect, it } from 'vitest';
import { MemoryServer } from '../../src/database/memory-database.ts';
import { StandbyRefused } from '../../src/errors.ts';
import { createLogger } from '../../src/log.ts';
import { checkStandby } from '../../src/session/standby.ts';

const logged = () => {
  const lines: string[] = [];
  return { lines, log: createLogger({ format: 'text', level: 'debug' }, (line) => lines.push(line.trimEnd())) };
};

it('on a standby: refuses a command that writes (4), lets one that reads go on, saying so', () => {
  const server = new MemoryServer();
  server.standby = true;
  const database = server.connect();
  const { lines, log } = logged();
  const refusal = (() => {
    try {
      checkStandby(database, 'u@replica:5432/db', { command: 'up', writes: true }, log);
    } catch (error) {
      return error;
    }
  })();
  expect(refusal).toBeInstanceOf(StandbyRefused);
  expect((refusal as StandbyRefused).exitCode).toBe(4);
  expect((refusal as StandbyRefused).message).toBe(
    'u@replica:5432/db is a standby in recovery (a read-only replica), and `up` writes: point DATABASE_URL (or MIGRATE_DATABASE_URL) at the primary; nothing was done',
  );
  checkStandby(database, 'u@replica:5432/db', { command: 'verify', writes: false }, log);
  expect(lines).toEqual([
    'u@replica:5432/db is a standby in recovery: `verify` reads a replica, which may lag behind the primary',
  ]);
});

it('on a primary: says nothing, refuses nothing', () => {
  const { lines, log } = logged();
  checkStandby(new MemoryServer().connect(), 'u@primary:5432/db', { command: 'up', writes: true }, log);
  expect(lines).toEqual([]);
});
