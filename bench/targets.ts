// The benchmark's targets, judged on one run's medians.
import type { ApplyResult, ConcurrentResult, NoopResult } from './scenarios.ts';
import { maxOrNull, median, medianOrNull, mib, ratio, seconds } from './stats.ts';

export interface TargetVerdict {
  target: string;
  measured: string;
  /** null: could not be measured here (e.g. no peak RSS without /usr/bin/time) */
  met: boolean | null;
}

export const NOOP_RATIO = 0.4;
export const NOOP_RSS_MIB = 60;
export const APPLY_RATIO = 1.0;
export const GROUP_RATIO = 1.3;

export function judge(noop: NoopResult[], apply: ApplyResult[], concurrent: ConcurrentResult[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  for (const [tool, name] of [
    ['ours', 'no-op `up`'],
    ['ours-verify', '`verify` at head'],
  ] as const) {
    for (const result of noop) {
      const ours = median(result.tools[tool].wallMs);
      const theirs = median(result.tools.npm.wallMs);
      verdicts.push({
        target: `${name} ≤ ${NOOP_RATIO}× node-pg-migrate's no-op \`up\`, N=${result.n}`,
        measured: `${seconds(ours)} vs ${seconds(theirs)} = ${ratio(ours, theirs)}`,
        met: ours / theirs <= NOOP_RATIO,
      });
    }
    const peaks = noop.map((result) => ({ n: result.n, kib: medianOrNull(result.tools[tool].rssKiB) }));
    const worst = maxOrNull(peaks.map((p) => p.kib));
    verdicts.push({
      target: `${name} peak RSS ≤ ${NOOP_RSS_MIB} MiB`,
      measured: peaks.map((p) => `N=${p.n}: ${mib(p.kib)}`).join(', '),
      met: worst === null ? null : worst <= NOOP_RSS_MIB * 1024,
    });
  }
  for (const result of apply) {
    const ours = median(result.tools.ours.wallMs);
    const theirs = median(result.tools.npm.wallMs);
    verdicts.push({
      target: `apply all from empty ≤ ${APPLY_RATIO.toFixed(1)}× node-pg-migrate, N=${result.n}`,
      measured: `${seconds(ours)} vs ${seconds(theirs)} = ${ratio(ours, theirs)}`,
      met: ours / theirs <= APPLY_RATIO,
    });
  }
  for (const result of concurrent) {
    const { groups, alone } = result.tools.ours;
    const everyone = groups.every((g) => g.exitedZero === result.runners && g.atHead);
    verdicts.push({
      target: `${result.runners} runners at once (N=${result.n}): all exit 0`,
      measured: `${groups.map((g) => g.exitedZero).join(', ')} of ${result.runners} per round${groups.every((g) => g.atHead) ? '' : '; database not at head after some round'}`,
      met: everyone,
    });
    const group = median(groups.map((g) => g.wallMs));
    const one = median(alone.wallMs);
    verdicts.push({
      target: `${result.runners} runners at once (N=${result.n}): group wall ≤ ${GROUP_RATIO}× one runner alone`,
      measured: `${seconds(group)} vs ${seconds(one)} = ${ratio(group, one)}`,
      met: group / one <= GROUP_RATIO,
    });
  }
  return verdicts;
}
