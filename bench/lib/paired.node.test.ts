import { describe, expect, it } from "vitest";
import { neighbourRatios, pooledRatio } from "./paired.ts";

describe("bench rounds against the baseline rounds around them", () => {
  it("divides each round by the baseline round before it and by the one after it", () => {
    expect(neighbourRatios([40, 60], [100, 200, 100])).toEqual([0.4, 0.2, 0.3, 0.6]);
  });

  it("pools all rounds against the mean of the baseline rounds around each", () => {
    expect(pooledRatio([40, 60], [100, 300, 100])).toBeCloseTo(100 / 400);
  });

  it("lets one slow round, or one slow baseline round, move as many ratios as the other", () => {
    const steady = [100, 100, 100, 100, 100, 100];
    const round = [40, 40, 40, 40, 40];
    const lowered = neighbourRatios([40, 40, 20, 40, 40], steady).filter((r) => r < 0.4).length;
    const lifted = neighbourRatios(round, [100, 100, 50, 100, 100, 100]).filter((r) => r > 0.4).length;
    expect(lowered).toBe(2);
    expect(lifted).toBe(2);
  });

  it("refuses baseline rounds that do not surround the rounds", () => {
    expect(() => neighbourRatios([1, 2], [1, 2])).toThrow(/2 rounds need 3 baseline rounds/);
    expect(() => pooledRatio([1, 2], [1, 2, 3, 4])).toThrow(/2 rounds need 3 baseline rounds/);
  });
});
