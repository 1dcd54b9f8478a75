import { describe, expect, it } from "vitest";
import { Recordings } from "./recordings.ts";
import { Settings } from "./settings.ts";
import { withHost } from "./testing.ts";

describe("Recordings capability", () => {
  it("refuses, as values, what cannot be recorded: switched off, or no bucket", async () => {
    await withHost(async (host) => {
      const recordings = new Recordings(host, new Settings(host));
      expect(await recordings.start({ roomName: "show" }, { recordingEnabled: false, enforce: true })).toEqual({ ok: false, code: "recording_disabled" });
      expect(await recordings.start({ roomName: "show" }, { recordingEnabled: true, enforce: true })).toEqual({ ok: false, code: "s3_not_configured" });
      expect(await recordings.list({}, "started_at", "desc", 10, 0)).toEqual({ vods: [], total: 0 });
    });
  });

  it("keeps one live HLS per room and records its start and stop once", async () => {
    await withHost(async (host) => {
      const recordings = new Recordings(host, new Settings(host));
      await recordings.startHls("cap-show", "EG_1", "p/hls/show/index.m3u8", "https://x/hls/show/index.m3u8");
      expect(await recordings.hlsFor("cap-show")).toMatchObject({ egress_id: "EG_1", status: "active" });
      await recordings.stopHls("cap-show");
      await recordings.stopHls("cap-show");
      expect((await host.events.after(0, 10)).map((e) => e.type)).toEqual(["hls_started", "hls_stopped"]);
    });
  });
});
