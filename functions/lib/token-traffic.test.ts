import { describe, expect, it } from "vitest";
import { admitPlayToken, PLAY_TOKENS_PER_WINDOW } from "./token-traffic.ts";

describe("play token admission", () => {
  it("admits 30 a minute per address and app, then says how long to wait", () => {
    const now = Date.parse("2026-11-29T12:00:00Z");
    const app = `limit-${now}`;
    for (let i = 0; i < PLAY_TOKENS_PER_WINDOW; i++) expect(admitPlayToken(app, "203.0.113.9", now + i)).toBe(0);
    expect(admitPlayToken(app, "203.0.113.9", now + 15_000)).toBe(45);
    // Another address, and another app, count apart.
    expect(admitPlayToken(app, "203.0.113.10", now + 15_000)).toBe(0);
    expect(admitPlayToken(`${app}-other`, "203.0.113.9", now + 15_000)).toBe(0);
    // A new minute starts afresh.
    expect(admitPlayToken(app, "203.0.113.9", now + 60_000)).toBe(0);
  });
});
