import { describe, expect, it } from "vitest";
import { withHost, type TestHost } from "./testing.ts";
import { Usage } from "./usage.ts";

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The day the counters were written under (read back, so that a test running over midnight UTC still agrees with itself). */
const dayWritten = async (host: TestHost) => (await host.db.one<{ day: string }>({ text: "SELECT MAX(day) AS day FROM usage_counters", params: [] }))!.day;

describe("Usage capability", () => {
  it("adds the counts handed over to the day's counters, one write each time", async () => {
    await withHost(async (host) => {
      const usage = new Usage(host);
      await usage.add({ join_tokens: 4, play_tokens: 0 });
      const today = await dayWritten(host);
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
      await usage.add({ play_tokens: 5 });
      const today = await dayWritten(host);
      const old = dayOf(Date.parse(today) - 3 * DAY_MS);
      // A counter from three days ago, as an earlier day's hand-over left it.
      await host.db.run({ text: "INSERT INTO usage_counters (day, metric, count) VALUES (?, 'play_tokens', 7)", params: [old] });

      expect(await usage.daily(1)).toEqual([{ day: today, metric: "play_tokens", count: 5 }]);
      expect(await usage.daily(7)).toEqual([
        { day: today, metric: "play_tokens", count: 5 },
        { day: old, metric: "play_tokens", count: 7 },
      ]);

      expect(await usage.prune(old)).toBe(0);
      expect(await usage.prune(dayOf(Date.parse(today) - DAY_MS))).toBe(1);
      expect(await usage.daily(7)).toEqual([{ day: today, metric: "play_tokens", count: 5 }]);
    });
  });
});
