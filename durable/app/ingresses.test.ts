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
});
