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

  it("moves a recording along what LiveKit reports of its egress, and ends live HLS whose egress ended", async () => {
    await withHost(async (host) => {
      const recordings = new Recordings(host, new Settings(host));
      const startedAt = new Date().toISOString();
      const vod = (id: string, egressId: string) => ({ id, egressId, room: "cap-r", streamId: null, mode: "room-composite" as const, fileKey: `k/${id}.mp4`, width: 1280, height: 720, startedAt, reservationId: `res_${id}` });
      await recordings.vods.insert(vod("vod_ok", "EG_ok"));
      await recordings.vods.insert(vod("vod_bad", "EG_bad"));
      await recordings.hls.start("cap-r", "EG_hls", "k/hls/cap-r/index.m3u8", startedAt);
      const egress = (egressId: string, status: string, file: { sizeBytes: number; durationS: number } | null = null) => ({
        egressId,
        status,
        roomName: "cap-r",
        error: status === "EGRESS_FAILED" ? "encoder crashed" : "",
        file: file && { filename: "f.mp4", location: "s3://x", ...file },
      });

      expect(await recordings.egressChanged(egress("EG_ok", "EGRESS_ENDING"), "egress_updated", startedAt)).toEqual([]);
      expect((await recordings.get("vod_ok"))?.status).toBe("uploading");
      const done = await recordings.egressChanged(egress("EG_ok", "EGRESS_COMPLETE", { sizeBytes: 5_000_000, durationS: 61 }), "egress_ended", startedAt);
      expect(done).toEqual([
        { kind: "release", reservationId: "res_vod_ok" },
        { kind: "adjust", metric: expect.stringMatching(/^maxRecordingMinutesMonth:\d{4}-\d{2}$/), delta: 2 },
        { kind: "adjust", metric: "storageBytes", delta: 5_000_000 },
      ]);
      expect(await recordings.get("vod_ok")).toMatchObject({ status: "ready", sizeBytes: 5_000_000, durationS: 61 });
      // A repeat changes nothing more.
      expect(await recordings.egressChanged(egress("EG_ok", "EGRESS_COMPLETE", { sizeBytes: 5_000_000, durationS: 61 }), "egress_ended", startedAt)).toEqual([]);

      expect(await recordings.egressChanged(egress("EG_bad", "EGRESS_FAILED"), "egress_ended", startedAt)).toEqual([{ kind: "release", reservationId: "res_vod_bad" }]);
      expect(await recordings.get("vod_bad")).toMatchObject({ status: "failed", error: "encoder crashed" });

      expect(await recordings.egressChanged(egress("EG_hls", "EGRESS_COMPLETE"), "egress_ended", startedAt)).toEqual([]);
      expect(await recordings.hlsFor("cap-r")).toMatchObject({ status: "stopped" });
      expect((await host.events.after(0, 10)).map((e) => e.type)).toEqual(["vod_ready", "recording_failed", "hls_stopped"]);
    });
  });
});
