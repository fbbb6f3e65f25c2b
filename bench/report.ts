// The Markdown of one run, and its place in docs/benchmarks.md: only the part
// between the bench markers is replaced, so what others wrote around it stays.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ProfiledRun } from './cpu-profile.ts';
import type { Machine } from './machine.ts';
import type { ApplyResult, ConcurrentResult, GroupRound, NoopResult, Samples } from './scenarios.ts';
import type { Breakdown } from './startup-breakdown.ts';
import { maxOrNull, median, medianOrNull, mib, ratio, seconds, wallRange } from './stats.ts';
import type { TargetVerdict } from './targets.ts';
import { TOOL_LABELS } from './tools.ts';

const BENCH_START = '<!-- bench:start -->';
const BENCH_END = '<!-- bench:end -->';

export interface Report {
  date: Date;
  command: string;
  smoke: boolean;
  runs: number;
  machine: Machine;
  server: string;
  rssMeasured: boolean;
  noop: NoopResult[];
  apply: ApplyResult[];
  concurrent: ConcurrentResult[];
  breakdown?: Breakdown;
  verdicts: TargetVerdict[];
  seconds: number;
  /** 1-minute load average before and after, to spot a busy machine */
  load: { before: number; after: number };
}

const code = (text: string) => `\`${text}\``;
const rowOf = (cells: string[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: string[][]) =>
  [rowOf(head), rowOf(head.map(() => '---')), ...rows.map(rowOf)].join('\n');
const rss = (samples: Samples) => mib(medianOrNull(samples.rssKiB));
const status = (met: boolean | null) => (met === null ? 'not measured' : met ? '**met**' : '**not met**');
const msDelta = (value: number, reference: number) =>
  `${value - reference >= 0 ? '+' : '−'}${Math.abs(value - reference).toFixed(0)} ms`;
const kibDelta = (value: number | null, reference: number | null) =>
  value === null || reference === null
    ? 'n/a'
    : `${value - reference >= 0 ? '+' : '−'}${(Math.abs(value - reference) / 1024).toFixed(1)} MiB`;

export function renderReport(report: Report): string {
  const { machine } = report;
  const lines: string[] = [];
  lines.push(`## Results of the last run${report.smoke ? ' (SMOKE: N=5, one run each — not a measurement)' : ''}`, '');
  lines.push('_Written by `npm run bench` (bench/run.ts); edit the code, not this section._', '');
  lines.push(
    `- **Command:** ${code(report.command)} — ${report.runs} measured run${report.runs === 1 ? '' : 's'} per cell after one warm-up, tools alternating with the starting tool rotating each round; medians (min–max); took ${Math.round(report.seconds)} s.`,
  );
  lines.push(
    `- **Date:** ${report.date.toISOString().replace(/\.\d+Z$/, 'Z')}; mnemolite-migrate ${machine.ours} at ${machine.commit}`,
  );
  lines.push(
    `- **Machine:** ${machine.cpus} CPU (${machine.cpuModel}), ${machine.memory} RAM, ${machine.kernel}; load average ${report.load.before.toFixed(2)} before the run, ${report.load.after.toFixed(2)} after`,
  );
  lines.push(
    `- **Versions:** Node ${machine.node}; node-pg-migrate ${machine.nodePgMigrate}; pg ${machine.pg}; ${report.server}`,
  );
  lines.push(
    `- **How:** each process is spawned by Node with a minimal environment (PATH, HOME, DATABASE_URL, MIGRATIONS_DIR, LOG_LEVEL=warn; MIGRATIONS_TABLE and EMBEDDING_* unset), ` +
      `wall time from spawn to exit, peak RSS ${report.rssMeasured ? 'from `/usr/bin/time -f %M` (the maximum resident set of the process)' : 'not measured (no GNU time at /usr/bin/time)'}. ` +
      `Migrations are generated SQL files (\`000001_m1.sql\`…, \`-- Up Migration\` create table / \`-- Down Migration\` drop), the same directory for every tool. ` +
      `node-pg-migrate runs with its CLI defaults (${code('up -m <dir>')}: one transaction for all, verbose); every scenario has databases of its own.`,
  );
  lines.push('');

  lines.push('### No-op `up` (and `verify`) on a database at head', '');
  const noopRows: string[][] = [];
  for (const result of report.noop) {
    const theirs = median(result.tools.npm.wallMs);
    const floor = median(result.tools.node.wallMs);
    for (const tool of ['node', 'ours', 'ours-verify', 'npm'] as const) {
      const wall = median(result.tools[tool].wallMs);
      noopRows.push([
        String(result.n),
        code(TOOL_LABELS[tool]),
        wallRange(result.tools[tool].wallMs),
        tool === 'npm' ? '1.00×' : ratio(wall, theirs),
        ratio(wall, floor),
        rss(result.tools[tool]),
      ]);
    }
  }
  lines.push(table(['N', 'command', 'wall', '÷ node-pg-migrate', '÷ `node -e 0`', 'peak RSS'], noopRows), '');

  lines.push('### Apply all N from an empty database', '');
  const applyRows: string[][] = [];
  for (const result of report.apply) {
    const theirs = median(result.tools.npm.wallMs);
    for (const tool of ['ours', 'npm', 'npm-per-migration'] as const) {
      const wall = median(result.tools[tool].wallMs);
      applyRows.push([
        String(result.n),
        code(TOOL_LABELS[tool]),
        wallRange(result.tools[tool].wallMs),
        tool === 'npm' ? '1.00×' : ratio(wall, theirs),
        `${(wall / result.n).toFixed(1)} ms`,
        rss(result.tools[tool]),
      ]);
    }
  }
  lines.push(table(['N', 'command', 'wall', '÷ node-pg-migrate', 'per migration', 'peak RSS'], applyRows), '');
  lines.push(
    '`node-pg-migrate up` (its default) applies all pending migrations in one transaction; `--no-single-transaction` gives each migration its own transaction and commit, as mnemolite-migrate does. The target compares with the default.',
    '',
  );
  for (const result of report.apply) {
    if (result.profile) {
      lines.push(
        ...renderProfile(
          result.profile,
          `CPU profile of \`mnemolite-migrate up\` applying N=${result.n} from empty (\`node --cpu-prof --cpu-prof-interval 250 dist/cli.js up\`, the median of ${result.profile.profiles} by length; the profiler slows the process)`,
        ),
      );
    }
  }

  for (const result of report.concurrent) {
    lines.push(`### ${result.runners} runners started together on an empty database, N=${result.n}`, '');
    const rows: string[][] = [];
    const failures: string[] = [];
    const groupRow = (label: string, alone: string, groups: GroupRound[], aloneMs: number | null) => {
      const wall = median(groups.map((g) => g.wallMs));
      return [
        label,
        alone,
        wallRange(groups.map((g) => g.wallMs)),
        seconds(median(groups.map((g) => g.firstExitMs))),
        aloneMs === null ? '–' : ratio(wall, aloneMs),
        groups.map((g) => `${g.exitedZero}/${result.runners}`).join(', '),
        groups.every((g) => g.atHead) ? 'yes' : '**no**',
        mib(maxOrNull(groups.map((g) => g.maxRssKiB))),
      ];
    };
    for (const tool of ['ours', 'npm', 'npm-wait'] as const) {
      const { alone, groups } = result.tools[tool];
      rows.push(groupRow(code(TOOL_LABELS[tool]), seconds(median(alone.wallMs)), groups, median(alone.wallMs)));
      const failed = groups.find((g) => g.failure);
      if (failed) failures.push(`- ${code(TOOL_LABELS[tool])}: ${failed.failure!.replace(/\|/g, '\\|')}`);
    }
    rows.push(
      groupRow(
        `reference: ${result.runners} × ${code('mnemolite-migrate up')} on the database at head (starting them, no lock wait)`,
        '–',
        result.noopGroup,
        null,
      ),
    );
    rows.push(
      groupRow(
        `reference: ${result.runners} × ${code('node -e 0')} (starting that many Node processes)`,
        '–',
        result.floor,
        null,
      ),
    );
    lines.push(
      table(
        [
          'command',
          'one alone',
          `group of ${result.runners}`,
          'first exit in group',
          'group ÷ alone',
          'exited 0, per round',
          'at head after',
          'largest peak RSS',
        ],
        rows,
      ),
      '',
    );
    if (failures.length > 0) lines.push('Why runners exited non-zero (first failure seen):', '', ...failures, '');
  }

  lines.push('### Targets', '');
  lines.push(
    table(
      ['target', 'measured (medians)', 'status'],
      report.verdicts.map((v) => [v.target, v.measured, status(v.met)]),
    ),
    '',
  );

  if (report.breakdown) lines.push(...renderBreakdown(report.breakdown));
  return lines.join('\n').trimEnd();
}

function renderBreakdown(breakdown: Breakdown): string[] {
  const lines: string[] = [`### Where the no-op \`up\` spends its time (N=${breakdown.n})`, ''];
  const floor = median(breakdown.phases[0]!.samples.wallMs);
  const floorRss = medianOrNull(breakdown.phases[0]!.samples.rssKiB);
  lines.push(
    table(
      ['process', 'wall', 'over `node -e 0`', 'peak RSS', 'over `node -e 0`'],
      breakdown.phases.map((phase) => {
        const wall = median(phase.samples.wallMs);
        const kib = medianOrNull(phase.samples.rssKiB);
        return [phase.label, seconds(wall), msDelta(wall, floor), mib(kib), kibDelta(kib, floorRss)];
      }),
    ),
    '',
  );
  const importFloor = median(breakdown.importFloor.wallMs);
  const importFloorRss = medianOrNull(breakdown.importFloor.rssKiB);
  lines.push(
    `Packages the no-op path imports, each imported alone (${code('node --input-type=module -e "import \'<package>\'"')} against the same with ${code("import 'node:os'")}, ${seconds(importFloor)}):`,
    '',
  );
  lines.push(
    table(
      ['package', 'import cost', 'RSS cost'],
      [
        ...breakdown.imports.map((entry) => [
          code(entry.specifier),
          msDelta(median(entry.samples.wallMs), importFloor),
          kibDelta(medianOrNull(entry.samples.rssKiB), importFloorRss),
        ]),
        [
          'all of them together',
          msDelta(median(breakdown.importAll.wallMs), importFloor),
          kibDelta(medianOrNull(breakdown.importAll.rssKiB), importFloorRss),
        ],
      ],
    ),
    '',
  );
  const version = breakdown.phases.find((phase) => phase.label.includes('--version'))!.samples;
  lines.push(
    `So of the ${msDelta(median(version.wallMs), floor)} that loading the CLI adds to \`node -e 0\`, the packages take ${msDelta(median(breakdown.importAll.wallMs), importFloor)} ` +
      `and the CLI's own module graph (every command and what it imports, loaded before \`main()\` runs) the remaining ` +
      `${msDelta(median(version.wallMs) - floor, median(breakdown.importAll.wallMs) - importFloor)}; in peak RSS ${kibDelta(medianOrNull(version.rssKiB), floorRss)} in all, ` +
      `${kibDelta(medianOrNull(breakdown.importAll.rssKiB), importFloorRss)} of it the packages.`,
    '',
  );
  lines.push(
    ...renderProfile(
      breakdown.profile,
      `CPU profile of the no-op (\`node --cpu-prof --cpu-prof-interval 250 dist/cli.js up\`, the median of ${breakdown.profile.profiles} by length; the profiler slows the process)`,
    ),
  );
  return lines;
}

export function renderProfile(profile: ProfiledRun, intro: string): string[] {
  const lines: string[] = [];
  const idle = profile.byOwner.find((o) => o.owner.startsWith('(idle'))?.ms ?? 0;
  lines.push(
    `${intro}: ${profile.totalMs.toFixed(0)} ms profiled, of which ${idle.toFixed(0)} ms idle (waiting on PostgreSQL or the network); ` +
      `\`main()\` of the CLI first runs at ${profile.modulesLoadedAtMs === null ? 'n/a' : `${profile.modulesLoadedAtMs.toFixed(0)} ms`} (everything before is starting Node and loading modules). ` +
      'Sampled time by owner — the outermost package on the stack, else our module, else Node itself:',
    '',
  );
  const shown = profile.byOwner.filter((o) => o.ms >= Math.max(0.5, profile.totalMs / 200));
  lines.push(
    table(
      ['owner', 'ms', 'of which before `main()`'],
      shown.map((o) => [o.owner, o.ms.toFixed(1), o.beforeMain.toFixed(1)]),
    ),
    '',
  );
  const byCode = new Map<string, { count: number; ms: number }>();
  for (const wait of profile.waits) {
    const entry = byCode.get(wait.after) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += wait.ms;
    byCode.set(wait.after, entry);
  }
  if (byCode.size > 0) {
    lines.push(
      'Idle stretches of 1 ms or more, by the last code of ours sampled before each — what the process was waiting for (approximate: code shorter than the sampling interval can be missed):',
      '',
    );
    const rows = [...byCode].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8);
    lines.push(
      table(
        ['last code of ours before the wait', 'waits', 'ms'],
        rows.map(([after, w]) => [code(after), String(w.count), w.ms.toFixed(1)]),
      ),
      '',
    );
  }
  return lines;
}

/** Replaces the section between `markers` in `path` (or adds one), leaving the rest of the file as it was. */
export function writeSection(path: string, markdown: string, [START, END] = [BENCH_START, BENCH_END]): void {
  const section = `${START}\n${markdown}\n${END}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n\n';
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}`
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}
