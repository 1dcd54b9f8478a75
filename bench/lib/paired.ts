// How a request's rounds are compared with its baseline's (see bench/index.ts): the
// baseline runs before the first round and after each, so every round sits between two.

/**
 * Each round's figure over the mean of the baseline figures just before and just after it
 * (`baseline` has one more entry than `rounds`). A load that rises or falls steadily over
 * those seconds weighs on both sides alike.
 */
export function bracketedRatios(rounds: number[], baseline: number[]): number[] {
  if (baseline.length !== rounds.length + 1) throw new Error(`${rounds.length} rounds need ${rounds.length + 1} baseline rounds around them, not ${baseline.length}`);
  return rounds.map((value, i) => value / ((baseline[i]! + baseline[i + 1]!) / 2));
}
