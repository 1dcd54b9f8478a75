import { describe, expect, it } from "vitest";
import { Qoe, type QoeReport } from "./qoe.ts";
import { QoeRepository } from "./qoe.repo.ts";
import { withHost } from "./testing.ts";

const report = (viewId: string, fields: Partial<QoeReport> = {}): QoeReport => ({
  viewId: viewId.padEnd(16, "_"),
  room: "lobby",
  path: "webrtc",
  firstFrameMs: 800,
  rebufferMs: 0,
  rebufferCount: 0,
  watchedMs: 10_000,
  errors: [],
  final: false,
  ...fields,
});

const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe("Qoe capability", () => {
  it("keeps one row a view: the latest report wins, what only grows never shrinks, the first frame and room stay", async () => {
    await withHost(async (host) => {
      const qoe = new Qoe(host);
      await qoe.record(report("view-a", { path: "webrtc", firstFrameMs: 812.6, rebufferMs: 300, rebufferCount: 2, watchedMs: 30_000, errors: ["ice_failed"] }), days(0));
      await qoe.record(report("view-a", { room: "elsewhere", path: "hls", firstFrameMs: null, rebufferMs: 100, rebufferCount: 1, watchedMs: 60_000, errors: ["ice_failed", "hls_stall"], final: true }), days(0));
      // A late, stale report (sent before the final one, arriving after it).
      await qoe.record(report("view-a", { path: "hls", firstFrameMs: null, rebufferMs: 0, watchedMs: 5_000, errors: ["ice_failed", "hls_stall"], final: false }), days(0));

      const { views, total } = await qoe.views({}, 10, 0);
      expect(total).toBe(1);
      expect(views[0]).toMatchObject({
        viewId: "view-a".padEnd(16, "_"),
        room: "lobby",
        path: "hls",
        firstFrameMs: 813,
        rebufferMs: 300,
        rebufferCount: 2,
        watchedMs: 60_000,
        errors: ["ice_failed", "hls_stall"],
        final: true,
      });
      // Nothing about the viewer is there to be stored.
      expect(Object.keys((await host.db.all<Record<string, unknown>>({ text: "SELECT * FROM qoe_views", params: [] }))[0]!).sort()).toEqual(
        ["errors_json", "final", "first_frame_ms", "path", "rebuffer_count", "rebuffer_ms", "room", "started_at", "updated_at", "view_id", "watched_ms"].sort(),
      );
    });
  });

  it("summarizes the views asked for: nearest-rank median and p95 of first frames, the rebuffer ratio, views by path", async () => {
    await withHost(async (host) => {
      const qoe = new Qoe(host);
      expect((await qoe.views({}, 10, 0)).summary).toEqual({ views: 0, medianFirstFrameMs: null, p95FirstFrameMs: null, rebufferRatio: null, byPath: { webrtc: 0, hls: 0, none: 0 } });

      // First frames 100, 200, …, 2000 ms in "lobby"; one view that never played; one in another room.
      for (let i = 1; i <= 20; i++) {
        await qoe.record(report(`lobby-${i}`, { path: i % 4 === 0 ? "hls" : "webrtc", firstFrameMs: i * 100, rebufferMs: 500, watchedMs: 9_500 }), days(0));
      }
      await qoe.record(report("lobby-never", { path: "none", firstFrameMs: null, watchedMs: 0, errors: ["token_denied"], final: true }), days(0));
      await qoe.record(report("other-room", { room: "other", firstFrameMs: 60_000, rebufferMs: 0, watchedMs: 1_000 }), days(0));

      const lobby = await qoe.views({ room: "lobby" }, 5, 0);
      expect(lobby.total).toBe(21);
      expect(lobby.views).toHaveLength(5);
      expect(lobby.summary).toEqual({
        views: 21,
        medianFirstFrameMs: 1000,
        p95FirstFrameMs: 1900,
        rebufferRatio: (20 * 500) / (20 * 10_000),
        byPath: { webrtc: 15, hls: 5, none: 1 },
      });
      expect((await qoe.views({ room: "lobby" }, 5, 20)).views).toHaveLength(1);
      expect((await qoe.views({}, 100, 0)).summary).toMatchObject({ views: 22, p95FirstFrameMs: 2000 });
      expect((await qoe.views({ room: "nowhere" }, 5, 0)).summary.views).toBe(0);
    });
  });

  it("filters by start time, whatever the offset it is given in", async () => {
    await withHost(async (host) => {
      const qoe = new Qoe(host);
      await qoe.record(report("old-view"), "2026-01-01T10:00:00.000Z");
      await qoe.record(report("new-view"), "2026-01-02T10:00:00.000Z");
      expect((await qoe.views({ since: "2026-01-02T11:00:00+02:00" }, 10, 0)).views.map((v) => v.viewId)).toEqual(["new-view".padEnd(16, "_")]);
      expect((await qoe.views({ since: "2026-01-01T00:00:00Z" }, 10, 0)).total).toBe(2);
    });
  });

  it("prunes views past the retention age, and all but the newest beyond the cap", async () => {
    await withHost(async (host) => {
      const qoe = new Qoe(host);
      await qoe.record(report("ancient"), days(100));
      await qoe.record(report("older"), days(3));
      await qoe.record(report("old"), days(2));
      await qoe.record(report("recent"), days(1));
      expect(await qoe.prune(days(90))).toBe(1);
      expect((await qoe.views({}, 10, 0)).total).toBe(3);
      expect(await new QoeRepository(host.db).prune(days(90), 2)).toBe(1);
      expect((await qoe.views({}, 10, 0)).views.map((v) => v.viewId.replace(/_+$/, ""))).toEqual(["recent", "old"]);
    });
  });
});
