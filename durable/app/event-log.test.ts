import { describe, expect, it } from "vitest";
import { EventLog } from "./event-log.ts";
import { withHost } from "./testing.ts";

describe("EventLog capability", () => {
  it("keeps the app's events in order, pages them by id, and says when each was recorded", async () => {
    await withHost(async (host) => {
      const told: string[] = [];
      const log = new EventLog(host.db, (type, data) => told.push(`${type} ${JSON.stringify(data)}`));
      await log.record("hls_started", { room: "cap-r", egressId: "EG_1", playlistUrl: "https://x/hls/cap-r/index.m3u8" }, "2026-11-30T10:00:00.000Z");
      await log.record("hls_stopped", { room: "cap-r", egressId: "EG_1" }, "2026-11-30T10:05:00.000Z");
      await log.record("vod_deleted", { vodId: "vod_1", room: "cap-r", fileKey: "k" }, "2026-11-30T10:06:00.000Z");
      expect(told).toEqual([
        'hls_started {"room":"cap-r","egressId":"EG_1","playlistUrl":"https://x/hls/cap-r/index.m3u8"}',
        'hls_stopped {"room":"cap-r","egressId":"EG_1"}',
        'vod_deleted {"vodId":"vod_1","room":"cap-r","fileKey":"k"}',
      ]);

      const all = await log.after(0, 10);
      expect(all.map((e) => [e.type, e.ts])).toEqual([
        ["hls_started", "2026-11-30T10:00:00.000Z"],
        ["hls_stopped", "2026-11-30T10:05:00.000Z"],
        ["vod_deleted", "2026-11-30T10:06:00.000Z"],
      ]);
      expect(JSON.parse(all[1]!.dataJson)).toEqual({ room: "cap-r", egressId: "EG_1" });
      expect(all[0]!.id).toBeLessThan(all[1]!.id);
      // A page starts after the id it is given, and holds at most `limit`.
      expect((await log.after(all[0]!.id, 1)).map((e) => e.type)).toEqual(["hls_stopped"]);
      expect(await log.after(all[2]!.id, 10)).toEqual([]);
    });
  });
});
