// Medians, ranges and the units the report prints.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median of the values that are known (peak RSS may be unmeasurable); null when none is. */
export function medianOrNull(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : median(known);
}

export function maxOrNull(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : Math.max(...known);
}

export const seconds = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(3)} s` : 'n/a');

export const wallRange = (values: readonly number[]): string =>
  values.length > 1
    ? `${seconds(median(values))} (${(Math.min(...values) / 1000).toFixed(3)}–${(Math.max(...values) / 1000).toFixed(3)})`
    : seconds(median(values));

export const mib = (kib: number | null): string => (kib === null ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);

export const ratio = (value: number, reference: number): string =>
  Number.isFinite(value / reference) ? `${(value / reference).toFixed(2)}×` : 'n/a';
