/** Small statistics helpers. */

/** Median of finite numbers (`null` when there are none). */
export function median(values: readonly number[]): number | null {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1
    ? (xs[mid] as number)
    : ((xs[mid - 1] as number) + (xs[mid] as number)) / 2;
}

/** Per-key medians of a list of records. */
export function medianRecord(
  records: readonly Readonly<Record<string, number>>[],
): Record<string, number> {
  const keys = new Set(records.flatMap((r) => Object.keys(r)));
  const out: Record<string, number> = {};
  for (const key of keys) {
    const m = median(records.map((r) => r[key] ?? Number.NaN));
    if (m !== null) out[key] = m;
  }
  return out;
}

/** Rounds to `digits` significant-ish decimals for reports. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
