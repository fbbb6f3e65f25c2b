// How far a long step has got and how long it has left, from work done out of a
// total and a rate measured over an interval. Pure: the reporter feeds it
// samples of an index build (same phase, one beat apart) or a backfill's counts.

export interface Estimate {
  /** whole percent done, 0 to 100 */
  percent: number;
  /** units a second over the interval measured; absent before there is an interval */
  rate?: number;
  /** seconds left at that rate; absent while nothing moves */
  remaining_s?: number;
}

export interface Work {
  done: number;
  total: number;
  /** units done over `seconds`, for the rate */
  delta?: number;
  seconds?: number;
}

export function estimate({ done, total, delta, seconds }: Work): Estimate | undefined {
  if (!(total > 0)) return undefined;
  const percent = Math.min(100, Math.max(0, Math.floor((100 * done) / total)));
  if (delta === undefined || seconds === undefined || !(seconds > 0)) return { percent };
  const rate = Math.max(0, delta) / seconds;
  const rounded = rate >= 10 ? Math.round(rate) : Math.round(rate * 10) / 10;
  if (!(rate > 0)) return { percent, rate: 0 };
  return { percent, rate: rounded, remaining_s: Math.ceil(Math.max(0, total - done) / rate) };
}

/** `about 2 min 5 s left` for people; JSON lines carry remaining_s instead. */
export function describeRemaining(seconds: number): string {
  if (seconds < 60) return `about ${seconds} s left`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `about ${minutes} min ${seconds % 60} s left`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}
