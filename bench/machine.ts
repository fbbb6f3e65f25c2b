// What the numbers were measured on: the machine, the versions, the commit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, release, totalmem } from 'node:os';
import { PROJECT_ROOT } from './tools.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memory: string;
  kernel: string;
  node: string;
  nodePgMigrate: string;
  pg: string;
  ours: string;
  commit: string;
}

const packageVersion = (path: string): string =>
  (JSON.parse(readFileSync(`${PROJECT_ROOT}${path}`, 'utf8')) as { version: string }).version;

export function describeMachine(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpus: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: `Linux ${release()}`,
    node: process.version,
    nodePgMigrate: packageVersion('node_modules/node-pg-migrate/package.json'),
    pg: packageVersion('node_modules/pg/package.json'),
    ours: packageVersion('package.json'),
    commit: gitDescription(),
  };
}

function gitDescription(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src').length > 0;
    return dirty ? `${head} + uncommitted changes in src/` : head;
  } catch {
    return 'unknown';
  }
}
