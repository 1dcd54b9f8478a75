import { describe, expect, it } from "vitest";
import { clientKey, fixedWindowLimiter } from "./rate-limit.ts";

describe("fixed-window rate limits", () => {
  it("admit a key up to the limit per window, then say how long to wait", () => {
    const admit = fixedWindowLimiter({ limit: 2, windowMs: 60_000 });
    expect([admit("a", 0), admit("a", 1), admit("a", 2)]).toEqual([0, 0, 60]);
    expect(admit("b", 2)).toBe(0);
    expect(admit("a", 60_000)).toBe(0);
  });

  it("a flood of new keys never wipes the counts of the others at once", () => {
    const admit = fixedWindowLimiter({ limit: 1, windowMs: 60_000, maxKeys: 100 });
    expect(admit("steady", 0)).toBe(0);
    expect(admit("steady", 1)).toBeGreaterThan(0);
    // 300 new keys overflow the table three times; a client that keeps asking keeps its count.
    for (let i = 0; i < 300; i++) {
      admit(`flood-${i}`, 2);
      if (i % 10 === 0) expect(admit("steady", 2)).toBeGreaterThan(0);
    }
    expect(admit("steady", 3)).toBeGreaterThan(0);
    // Full, the least recently used keys went first: the newest are still counted, the oldest forgotten.
    expect(admit("flood-299", 4)).toBeGreaterThan(0);
    expect(admit("flood-0", 4)).toBe(0);
  });

  it("keep counting right far from the first call, and with a clock that went back", () => {
    const year = 366 * 24 * 3600_000;
    const admit = fixedWindowLimiter({ limit: 120, windowMs: 60_000 });
    expect(admit("first", 1_000_000)).toBe(0);
    for (const start of [1_000_000 + year + 500, 1_000_000 - 90_000]) {
      const key = `k${start}`;
      for (let i = 0; i < 120; i++) expect(admit(key, start + i)).toBe(0);
      // The window started on the whole second before `start`.
      const secondStart = 1_000_000 + Math.floor((start - 1_000_000) / 1000) * 1000;
      expect(admit(key, start + 200)).toBe(Math.ceil((secondStart + 60_000 - start - 200) / 1000));
      expect(admit(key, secondStart + 60_000)).toBe(0);
    }
  });

  it("count an IPv6 client by its /64, an IPv4 client by its address", () => {
    expect(clientKey("198.51.100.7")).toBe("198.51.100.7");
    expect(clientKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:DB8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
  });
});
