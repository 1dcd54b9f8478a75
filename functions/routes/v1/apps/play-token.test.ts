import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { api, createApp, livekit } from "../../../testing.ts";

describe("against the LiveKit stand-in: public play tokens", () => {
  it("are subscribe-only hidden viewer tokens for anyone, with CORS", async () => {
    const app = await createApp();
    const response = await api("GET", `/api/v1/apps/${app.name}/play-token/lobby`, { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const data = response.body.data;
    expect(data).toMatchObject({ app: app.name, room: `${app.name}-lobby`, mode: "viewer" });
    expect(data.identity).toMatch(/^viewer-[0-9a-f]{8}$/);
    const claims = decodeJwt(data.token) as any;
    expect(claims.video).toEqual({ roomJoin: true, room: `${app.name}-lobby`, canPublish: false, canSubscribe: true, canPublishData: false, hidden: true });
    expect(claims.exp - claims.nbf).toBe(6 * 3600);
  });

  it("are a 404 public_playback_disabled when public playback is off, naming that cause", async () => {
    const app = await createApp();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { publicPlayback: false } } });
    const closed = await api("GET", `/api/v1/apps/${app.name}/play-token/lobby`, { token: null });
    expect(closed.status).toBe(404);
    expect(closed.body.error).toMatchObject({ code: "public_playback_disabled", message: expect.stringContaining("publicPlayback feature is off") });
    expect(closed.body.error.message).not.toMatch(/not found/);
  });

  it("answer an unknown app exactly as a closed one, so that strangers cannot probe app names", async () => {
    const app = await createApp();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { publicPlayback: false } } });
    const closed = await api("GET", `/api/v1/apps/${app.name}/play-token/lobby`, { token: null });
    const unknown = await api("GET", "/api/v1/apps/no-such-app/play-token/lobby", { token: null });
    expect(unknown.status).toBe(closed.status);
    expect(unknown.body.error.code).toBe(closed.body.error.code);
    expect(unknown.body.error.message.replace("no-such-app", "X")).toBe(closed.body.error.message.replace(app.name, "X"));
  });

  it("are rate-limited per client address", async () => {
    const app = await createApp();
    const from = (peer: string) => api("GET", `/api/v1/apps/${app.name}/play-token/lobby`, { token: null, peer });
    for (let i = 0; i < 30; i++) expect((await from("192.0.2.200:1")).status).toBe(200);
    const limited = await from("192.0.2.200:1");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await from("192.0.2.201:1")).status).toBe(200);
  });

  it("open a stand-in room as a viewer hidden from the room, but marked to be counted (API.md decision 11)", async () => {
    const app = await createApp();
    const token = (await api("GET", `/api/v1/apps/${app.name}/play-token/show`, { token: null })).body.data.token;
    const joined = await livekit("join", { token });
    expect(joined.participant.permission.hidden).toBe(true);
    expect(joined.participant.attributes).toEqual({ "streamhub.viewer": "public" });
  });
});
