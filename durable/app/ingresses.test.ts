import { describe, expect, it } from "vitest";
import { hashPassword } from "../../core/crypto/password.ts";
import { Ingresses } from "./ingresses.ts";
import { withHost, type TestHost } from "./testing.ts";

const rtmp = async (host: TestHost, ingresses: Ingresses, ingressId: string, password: string | null) =>
  ingresses.add({
    ingressId,
    name: "studio",
    inputType: "rtmp",
    room: "cap-studio",
    participantIdentity: "obs",
    participantName: "OBS",
    sourceUrl: null,
    ingestUrl: "rtmp://127.0.0.1/x",
    streamKey: "sk-stream-key",
    passwordHash: password === null ? null : await hashPassword(password),
    transcoding: true,
  });

describe("Ingresses capability", () => {
  it("seals the stream key and shows it only when asked to", async () => {
    await withHost(async (host) => {
      const ingresses = new Ingresses(host, async () => 0);
      expect((await rtmp(host, ingresses, "IN_key", null)).streamKey).toBe("sk-stream-key");
      expect((await ingresses.get("IN_key", false))?.streamKey).toBeNull();
      const stored = await host.db.one<{ stream_key_sealed: string }>({ text: "SELECT stream_key_sealed FROM ingresses WHERE ingress_id = 'IN_key'", params: [] });
      expect(stored?.stream_key_sealed).not.toContain("sk-stream-key");
    });
  });

  it("admits an RTMP start only after its password was validated, once, and cuts off the rest", async () => {
    await withHost(async (host) => {
      const ingresses = new Ingresses(host, async () => 0);
      await rtmp(host, ingresses, "IN_pw", "correct horse battery");
      await rtmp(host, ingresses, "IN_open", null);
      expect(await ingresses.admitStart("IN_open")).toBe(true);

      expect(await ingresses.validatePassword("IN_pw", "wrong")).toBe(false);
      expect(await ingresses.validatePassword("IN_pw", "correct horse battery")).toBe(true);
      expect(await ingresses.admitStart("IN_pw")).toBe(true);
      // The validation is used up: the next start without one is cut off, recorded, and the ingress removed.
      expect(await ingresses.admitStart("IN_pw")).toBe(false);
      expect(await ingresses.get("IN_pw", false)).toBeNull();
      const ended = (await host.events.after(0, 10)).filter((e) => e.type === "stream_ended").map((e) => JSON.parse(e.dataJson));
      expect(ended).toEqual([expect.objectContaining({ ingressId: "IN_pw", reason: "unauthorized_rtmp_password" })]);
    });
  });

  it("cuts off a start whose password was validated more than 10 minutes before", async () => {
    await withHost(async (host) => {
      const ingresses = new Ingresses(host, async () => 0);
      await rtmp(host, ingresses, "IN_stale", "correct horse battery");
      expect(await ingresses.validatePassword("IN_stale", "correct horse battery")).toBe(true);
      const elevenMinutesAgo = new Date(Date.now() - 11 * 60_000).toISOString();
      await host.db.run({ text: "UPDATE ingresses SET validated_at = ? WHERE ingress_id = 'IN_stale'", params: [elevenMinutesAgo] });
      expect(await ingresses.admitStart("IN_stale")).toBe(false);
      expect(await ingresses.get("IN_stale", false)).toBeNull();
    });
  });

  it("tells an unknown ingress (null) from a wrong password or none to check (false)", async () => {
    await withHost(async (host) => {
      const ingresses = new Ingresses(host, async () => 0);
      await rtmp(host, ingresses, "IN_nopw", null);
      expect(await ingresses.validatePassword("IN_missing", "anything")).toBeNull();
      expect(await ingresses.validatePassword("IN_nopw", "anything")).toBe(false);
      // An ingress this app does not have is admitted: LiveKit's own key check is what stands.
      expect(await ingresses.admitStart("IN_missing")).toBe(true);
    });
  });

  it("hands the relay sidecar each RTSP source with its RTMP ingest, and shows what it reports", async () => {
    await withHost(async (host) => {
      const viewers = new Map([["cap-cam", 3]]);
      const ingresses = new Ingresses(host, async (room) => viewers.get(room) ?? 0);
      await rtmp(host, ingresses, "IN_rtmp", null);
      const camera = await ingresses.add({
        ingressId: "IN_cam",
        name: "door camera",
        inputType: "rtsp",
        room: "cap-cam",
        participantIdentity: "cam",
        participantName: "Camera",
        sourceUrl: "rtsp://192.0.2.7/stream",
        ingestUrl: "rtmp://127.0.0.1/live",
        streamKey: "sk-cam-key",
        passwordHash: null,
        transcoding: false,
      });
      expect(camera.relay).toEqual({ status: "pending", error: null, restarts: 0, updatedAt: null });

      expect(await ingresses.rtspRelays()).toEqual([
        { ingressId: "IN_cam", room: "cap-cam", sourceUrl: "rtsp://192.0.2.7/stream", rtmpUrl: "rtmp://127.0.0.1/live/sk-cam-key", status: "inactive" },
      ]);

      expect(await ingresses.reportRelay("IN_cam", { status: "backoff", error: "connection refused", restarts: 2 })).toBe(true);
      // Only RTSP ingresses have a relay to report on.
      expect(await ingresses.reportRelay("IN_rtmp", { status: "running", error: null, restarts: 0 })).toBe(false);
      expect(await ingresses.reportRelay("IN_missing", { status: "running", error: null, restarts: 0 })).toBe(false);
      const reported = await ingresses.get("IN_cam", false);
      expect(reported?.relay).toMatchObject({ status: "backoff", error: "connection refused", restarts: 2 });
      expect(reported?.relay?.updatedAt).toEqual(expect.any(String));
      expect((await ingresses.get("IN_rtmp", false))?.relay).toBeNull();

      // Viewers are counted only while the ingress publishes.
      expect(reported?.viewers).toBeNull();
      await ingresses.repository.setStatus("IN_cam", "publishing", new Date().toISOString());
      expect((await ingresses.get("IN_cam", false))?.viewers).toBe(3);
    });
  });

  it("lists by room, shows keys only when asked to, and removes", async () => {
    await withHost(async (host) => {
      const ingresses = new Ingresses(host, async () => 0);
      await rtmp(host, ingresses, "IN_a", null);
      await ingresses.add({ ingressId: "IN_b", name: "stage", inputType: "whip", room: "cap-other", participantIdentity: "w", participantName: "W", sourceUrl: null, ingestUrl: "http://127.0.0.1/w", streamKey: "sk-whip", passwordHash: null, transcoding: false });

      const inStudio = await ingresses.list({ room: "cap-studio" }, 10, 0, false);
      expect(inStudio.total).toBe(1);
      expect(inStudio.ingresses.map((i) => [i.ingressId, i.streamKey, i.streamKeySet])).toEqual([["IN_a", null, true]]);
      expect((await ingresses.list({}, 10, 0, true)).ingresses.map((i) => i.streamKey).sort()).toEqual(["sk-stream-key", "sk-whip"]);

      expect(await ingresses.remove("IN_a")).toBe(true);
      expect(await ingresses.remove("IN_a")).toBe(false);
      expect((await ingresses.list({}, 10, 0, false)).total).toBe(1);
    });
  });
});
