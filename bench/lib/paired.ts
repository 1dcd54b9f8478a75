// How a request's rounds are compared with its baseline's (see bench/index.ts): the
// baseline runs before the first round and after each, so every round sits between two.

/**
 * Each round's figure over the baseline round just before it and over the one just after
 * it (`baseline` has one more entry than `rounds`): two ratios a round. A round spoilt on
 * either side moves at most two of them, in either direction alike — a slow baseline round
 * between two rounds lifts two, a slow round lowers two — so that their median leans
 * neither way. (Dividing by the mean of the two would not: a slow baseline round would then
 * lift two rounds' ratios, a slow round lower one.)
 */
export function neighbourRatios(rounds: number[], baseline: number[]): number[] {
  assertSurrounded(rounds, baseline);
  return rounds.flatMap((value, i) => [value / baseline[i]!, value / baseline[i + 1]!]);
}

/** All rounds against the mean of the baseline rounds around each: ΣTᵢ / Σ(Bᵢ + Bᵢ₊₁)/2, shown beside the median. */
export function pooledRatio(rounds: number[], baseline: number[]): number {
  assertSurrounded(rounds, baseline);
  const around = rounds.reduce((sum, _, i) => sum + (baseline[i]! + baseline[i + 1]!) / 2, 0);
  return rounds.reduce((sum, value) => sum + value, 0) / around;
}

function assertSurrounded(rounds: number[], baseline: number[]): void {
  if (baseline.length !== rounds.length + 1) throw new Error(`${rounds.length} rounds need ${rounds.length + 1} baseline rounds around them, not ${baseline.length}`);
}
