// What a chart says about its series, apart from drawing it (DOM-free, so
// dashboard-client.test.ts loads it under Node).

export interface SeriesValue {
  ts: string;
  /** null: nothing reported for this bucket (a gap in the line, "—" in the table). */
  value: number | null;
}

/** The smallest 1, 2 or 5 × 10^k at or above `max` (1 for an all-zero series), so the axis reads in round numbers. */
export function niceCeiling(max: number): number {
  if (!(max > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/** Peak (the first bucket that reached it), average over the buckets that reported, and how many did. */
export function summarize(values: SeriesValue[]): { peak: number; peakTs: string; average: number; reported: number } | null {
  let peak = -Infinity;
  let peakTs = "";
  let sum = 0;
  let reported = 0;
  for (const { ts, value } of values) {
    if (value === null) continue;
    reported += 1;
    sum += value;
    if (value > peak) {
      peak = value;
      peakTs = ts;
    }
  }
  return reported === 0 ? null : { peak, peakTs, average: sum / reported, reported };
}
