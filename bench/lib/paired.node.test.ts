import { describe, expect, it } from "vitest";
import { bracketedRatios } from "./paired.ts";

describe("bench rounds against the baseline around them", () => {
  it("divides each round by the mean of the baseline rounds before and after it", () => {
    expect(bracketedRatios([40, 60], [100, 100, 200])).toEqual([0.4, 0.4]);
  });

  it("refuses baseline rounds that do not surround the rounds", () => {
    expect(() => bracketedRatios([1, 2], [1, 2])).toThrow(/2 rounds need 3 baseline rounds/);
  });
});
