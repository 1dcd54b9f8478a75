import { describe, expect, it } from "vitest";
import { withHost } from "./testing.ts";
import { Usage } from "./usage.ts";

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe("Usage capability", () => {
  it("adds the counts handed over to the day's counters, one write each time", async () => {
    await withHost(async (host) => {
      const usage = new Usage(host);
      const today = new Date().toISOString().slice(0, 10);
      await usage.add({ join_tokens: 4, play_tokens: 0 });
      expect(await usage.daily(1)).toEqual([{ day: today, metric: "join_tokens", count: 4 }]);
      await usage.add({ join_tokens: 2, publisher_tokens: 1 });
      expect(await host.db.all({ text: "SELECT day, metric, count FROM usage_counters ORDER BY metric", params: [] })).toEqual([
        { day: today, metric: "join_tokens", count: 6 },
        { day: today, metric: "publisher_tokens", count: 1 },
      ]);
      expect(await host.scheduler.dueAt("retention")).toBeNull();
    });
  });

  it("answers the days asked for, newest first, and prunes only what is older than retention", async () => {
    await withHost(async (host) => {
      const usage = new Usage(host);
      const today = dayOf(Date.now());
      const old = dayOf(Date.now() - 3 * DAY_MS);
      await usage.add({ play_tokens: 5 });
      // A counter from three days ago, as an earlier day's hand-over left it.
      await host.db.run({ text: "INSERT INTO usage_counters (day, metric, count) VALUES (?, 'play_tokens', 7)", params: [old] });

      expect(await usage.daily(1)).toEqual([{ day: today, metric: "play_tokens", count: 5 }]);
      expect(await usage.daily(7)).toEqual([
        { day: today, metric: "play_tokens", count: 5 },
        { day: old, metric: "play_tokens", count: 7 },
      ]);

      expect(await usage.prune(old)).toBe(0);
      expect(await usage.prune(dayOf(Date.now() - DAY_MS))).toBe(1);
      expect(await usage.daily(7)).toEqual([{ day: today, metric: "play_tokens", count: 5 }]);
    });
  });
});
