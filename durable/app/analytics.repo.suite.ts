import { describe, expect, it } from "vitest";
import type { WithDriver } from "../../core/db/migrate.suite.ts";
import { migrate } from "../../core/db/migrate.ts";
import { AnalyticsRepository, HOUR_MS, MINUTE_MS } from "./analytics.repo.ts";
import { appMigrations } from "./migrations.ts";

/** The analytics repository (plain SQL, integer time buckets), run against each driver implementation. */
export function analyticsRepositorySuite(name: string, withDriver: WithDriver) {
  describe(`Analytics repository: ${name}`, () => {
    it("merges a minute's peaks, rolls complete hours up, and serves hours rolled up or not", () =>
      withDriver(async (db) => {
        await migrate(db, appMigrations);
        const repo = new AnalyticsRepository(db);
        const hour = 1_795_334_400_000;
        await repo.writeMinute(hour + 5 * MINUTE_MS, { streams: 1, viewers: 3, publishers: 1, ingestKbps: null });
        await repo.writeMinute(hour + 5 * MINUTE_MS, { streams: 2, viewers: 1, publishers: 1, ingestKbps: 2_500 });
        await repo.writeMinute(hour + 59 * MINUTE_MS, { streams: 1, viewers: 7, publishers: 1, ingestKbps: 1_000 });
        await repo.writeMinute(hour + HOUR_MS, { streams: 1, viewers: 2, publishers: 1, ingestKbps: null });
        expect(await repo.minutes(hour, hour + HOUR_MS)).toEqual([
          { ts: hour + 5 * MINUTE_MS, streams: 2, viewers: 3, publishers: 1, ingest_kbps: 2_500 },
          { ts: hour + 59 * MINUTE_MS, streams: 1, viewers: 7, publishers: 1, ingest_kbps: 1_000 },
        ]);

        // Before the roll-up both hours come from their minutes; after it the first from its row.
        const expected = [
          { ts: hour, streams: 2, viewers: 7, publishers: 1, ingest_kbps: 2_500 },
          { ts: hour + HOUR_MS, streams: 1, viewers: 2, publishers: 1, ingest_kbps: null },
        ];
        expect(await repo.hours(hour, hour + 2 * HOUR_MS)).toEqual(expected);
        expect(await repo.unrolledBefore(hour + HOUR_MS)).toBe(true);
        expect(await repo.rollUpBefore(hour + HOUR_MS)).toBe(1);
        expect(await repo.unrolledBefore(hour + HOUR_MS)).toBe(false);
        expect(await db.all({ text: "SELECT hour, live_minutes FROM analytics_hours", params: [] })).toEqual([{ hour, live_minutes: 2 }]);
        expect(await repo.hours(hour, hour + 2 * HOUR_MS)).toEqual(expected);
      }));

    it("opens a session, moves its viewers (integrating watch time), counts its unique viewers and closes it", () =>
      withDriver(async (db) => {
        await migrate(db, appMigrations);
        const repo = new AnalyticsRepository(db);
        const t0 = 1_795_334_400_000;
        const id = await repo.openSession({ streamId: "demo-show/host", room: "demo-show", type: "webrtc", participant: "host", ingressId: null, startedAt: new Date(t0).toISOString(), viewers: 1 }, t0);
        await repo.addViewers(id, ["a"]);
        await repo.moveViewers(id, 3, t0 + 10_000);
        await repo.addViewer("demo-show", "b");
        await repo.addViewer("demo-show", "a");
        await repo.addViewer("elsewhere", "c");
        await repo.moveViewers(id, 1, t0 + 20_000);
        expect((await repo.sessionsOf("demo-show/host", 10, 0))[0]).toMatchObject({ peak_viewers: 3, viewer_ms: 40_000, unique_viewers: 2, ended_at: null });
        await repo.closeSession(id, new Date(t0 + 30_000).toISOString(), "left", t0 + 30_000);
        expect((await repo.sessionsOf("demo-show/host", 10, 0))[0]).toMatchObject({ viewer_ms: 50_000, unique_viewers: 2, end_reason: "left", viewers_now: 0 });
        expect(await repo.openSessions()).toEqual([]);
        expect(await db.all({ text: "SELECT * FROM session_viewers", params: [] })).toEqual([]);
        expect(await repo.countSessionsOf("demo-show/host")).toBe(1);
      }));
  });
}
