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

  it("refuses live HLS without a bucket, as a value; stopping HLS that does not run is no error", async () => {
    await withHost(async (host) => {
      const recordings = new Recordings(host, new Settings(host));
      expect(await recordings.startHls("cap-show", "https://x/hls/cap-show/index.m3u8")).toEqual({ ok: false, code: "s3_not_configured" });
      expect(await recordings.stopHls("cap-show")).toEqual({ ok: true, egressId: null });
      expect(await recordings.hlsFor("cap-show")).toBeNull();
      expect(await host.events.after(0, 10)).toEqual([]);
    });
  });

  it("stops a room's live HLS once, also when LiveKit no longer knows its egress", async () => {
    await withHost(async (host) => {
      const recordings = new Recordings(host, new Settings(host));
      // An egress LiveKit has forgotten (a restart): the stand-in answers 404 for it.
      await recordings.hls.start("cap-show", "EG_forgotten", "p/hls/cap-show/index.m3u8", new Date().toISOString());
      expect(await recordings.stopHls("cap-show")).toEqual({ ok: true, egressId: "EG_forgotten" });
      expect(await recordings.stopHls("cap-show")).toEqual({ ok: true, egressId: "EG_forgotten" });
      expect(await recordings.hlsFor("cap-show")).toMatchObject({ status: "stopped" });
      expect((await host.events.after(0, 10)).map((e) => e.type)).toEqual(["hls_stopped"]);
    });
  });
});
