import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createUser, LIVEKIT_URL, livekit, login } from "../../../../testing.ts";

const standinState = async () => (await (await fetch(`${LIVEKIT_URL}/_test/state`, { method: "POST" })).json()) as any;
const create = (app: string, json: Record<string, unknown>, token?: string) => api("POST", `/api/v1/apps/${app}/ingress`, { json, token });

describe("against the LiveKit stand-in: ingress", () => {
  it("creates RTMP, WHIP and URL ingresses in LiveKit, in the app's namespace", async () => {
    const app = await createApp();
    const rtmp = await create(app.name, { inputType: "rtmp", room: "studio" });
    expect(rtmp.status).toBe(201);
    expect(rtmp.body.data).toMatchObject({ inputType: "rtmp", room: `${app.name}-studio`, roomName: `${app.name}-studio`, status: "inactive", participantIdentity: `ingress-${app.name}`, transcoding: true });
    expect(rtmp.body.data.streamKey).toMatch(/^[\w-]{8,}$/);
    expect(rtmp.body.data.rtmp_url).toBe(`rtmp://127.0.0.1:1935/x/${rtmp.body.data.streamKey}`);

    const whip = await create(app.name, { inputType: "whip", room: "studio", participantIdentity: "whip-cam" });
    expect(whip.body.data).toMatchObject({ inputType: "whip", transcoding: false, publishUrl: whip.body.data.url });
    const pull = await create(app.name, { inputType: "url", room: "vod-replay", url: "https://media.example.com/show.m3u8", participantIdentity: "replay" });
    expect(pull.body.data).toMatchObject({ inputType: "url", sourceUrl: "https://media.example.com/show.m3u8", streamKey: null });

    const inLiveKit = (await standinState()).ingresses.map((i: any) => i.ingressId);
    for (const made of [rtmp, whip, pull]) expect(inLiveKit).toContain(made.body.data.ingressId);
    const listed = await api("GET", `/api/v1/apps/${app.name}/ingress?room=studio`);
    expect(listed.body.total).toBe(2);
  });

  it("makes an RTSP camera an RTMP ingress plus a desired relay, and refuses what LiveKit cannot pull", async () => {
    const app = await createApp();
    const camera = await create(app.name, { inputType: "rtsp", room: "gate", url: "rtsp://10.0.0.5:554/stream1" });
    expect(camera.status).toBe(201);
    expect(camera.body.data).toMatchObject({ inputType: "rtsp", sourceUrl: "rtsp://10.0.0.5:554/stream1", publishUrl: null });
    const made = (await standinState()).ingresses.find((i: any) => i.ingressId === camera.body.data.ingressId);
    expect(made.inputType ?? "RTMP_INPUT").toBe("RTMP_INPUT");

    const refused = await create(app.name, { inputType: "url", url: "ftp://10.0.0.5/stream" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain("or an rtsp:// camera (relayed)");
    for (const json of [{ inputType: "rtsp", url: "http://x/y" }, { inputType: "rtmp", url: "rtmp://x" }, { inputType: "url" }, { inputType: "srt" }]) {
      expect((await create(app.name, json)).status).toBe(400);
    }
  });

  it("shows stream keys only to callers that may edit ingresses", async () => {
    const tenant = await createTenant({ maxApps: 5 });
    const app = await createApp(tenant.id);
    const made = (await create(app.name, { inputType: "rtmp" })).body.data;
    const viewer = await createUser(tenant.id, "viewer");
    const editor = await createUser(tenant.id, "editor");
    const asViewer = await api("GET", `/api/v1/apps/${app.name}/ingress/${made.ingressId}`, { token: await login(viewer.email, viewer.password) });
    expect(asViewer.body.data).toMatchObject({ streamKey: null, streamKeySet: true, publishUrl: null });
    const asEditor = await api("GET", `/api/v1/apps/${app.name}/ingress/${made.ingressId}`, { token: await login(editor.email, editor.password) });
    expect(asEditor.body.data.streamKey).toBe(made.streamKey);
  });

  it("returns an RTMP password once and checks it", async () => {
    const app = await createApp();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { rtmpPassword: true } } });
    const made = (await create(app.name, { inputType: "rtmp" })).body.data;
    expect(made.requires_password).toBe(true);
    expect(made.stream_password).toMatch(/^[\w-]{16}$/);
    expect((await api("GET", `/api/v1/apps/${app.name}/ingress/${made.ingressId}`)).body.data.stream_password).toBeUndefined();
    const check = (password: string) => api("POST", `/api/v1/apps/${app.name}/ingress/${made.ingressId}/validate`, { json: { password } });
    expect((await check("wrong-password")).body.data).toEqual({ ingressId: made.ingressId, valid: false });
    expect((await check(made.stream_password)).body.data).toEqual({ ingressId: made.ingressId, valid: true });
    expect((await api("GET", `/api/v1/apps/${app.name}/ingress/${made.ingressId}`)).body.data.passwordValidatedAt).not.toBeNull();
  });

  it("follows LiveKit: a started ingress is a publishing rtmp stream; it ends with the ingress", async () => {
    const app = await createApp();
    const made = (await create(app.name, { inputType: "rtmp", room: "live" })).body.data;
    await livekit("ingress/start", { ingressId: made.ingressId });
    expect((await api("GET", `/api/v1/apps/${app.name}/ingress/${made.ingressId}`)).body.data).toMatchObject({ status: "publishing", viewers: 0 });
    const streams = (await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data;
    expect(streams).toEqual([expect.objectContaining({ type: "rtmp", ingressId: made.ingressId, participant: `ingress-${app.name}` })]);

    await livekit("ingress/stop", { ingressId: made.ingressId });
    expect((await api("GET", `/api/v1/apps/${app.name}/ingress/${made.ingressId}`)).body.data.status).toBe("inactive");
    expect((await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data).toEqual([]);
  });

  it("deletes an ingress in LiveKit; another app's ingress id is a 404 and survives", async () => {
    const app = await createApp();
    const other = await createApp();
    const made = (await create(app.name, { inputType: "whip" })).body.data;
    expect((await api("DELETE", `/api/v1/apps/${other.name}/ingress/${made.ingressId}`)).status).toBe(404);
    expect((await api("GET", `/api/v1/apps/${other.name}/ingress/${made.ingressId}`)).status).toBe(404);
    expect((await api("DELETE", `/api/v1/apps/${app.name}/ingress/${made.ingressId}`)).body.data).toEqual({ ingressId: made.ingressId, deleted: true });
    expect((await standinState()).ingresses.map((i: any) => i.ingressId)).not.toContain(made.ingressId);
    expect((await api("GET", `/api/v1/apps/${app.name}/ingress/${made.ingressId}`)).status).toBe(404);
  });

  it("checks the concurrent-stream quota before creating", async () => {
    const tenant = await createTenant({ maxApps: 5, maxConcurrentStreams: 0 });
    const app = await createApp(tenant.id);
    const owner = await createUser(tenant.id, "owner");
    const refused = await create(app.name, { inputType: "rtmp" }, await login(owner.email, owner.password));
    expect(refused.status).toBe(429);
    expect(refused.body.error.metric).toBe("maxConcurrentStreams");
  });
});

describe("against the LiveKit stand-in: RTMP passwords at publish time", () => {
  it("cuts off a start that did not validate the password, and admits one that did (once)", async () => {
    const app = await createApp();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { rtmpPassword: true } } });
    const made = (await create(app.name, { inputType: "rtmp", room: "guarded" })).body.data;

    // A publisher with only the stream key: the ingress is deleted and the start recorded as unauthorized.
    await livekit("ingress/start", { ingressId: made.ingressId });
    expect((await standinState()).ingresses.map((i: any) => i.ingressId)).not.toContain(made.ingressId);
    expect((await api("GET", `/api/v1/apps/${app.name}/ingress/${made.ingressId}`)).status).toBe(404);
    const { env } = await import("cloudflare:test");
    const ended = (await env.APP.get(env.APP.idFromName(app.name)).events(0, 1000)).filter((e) => e.type === "stream_ended").map((e) => JSON.parse(e.dataJson));
    expect(ended).toContainEqual(expect.objectContaining({ ingressId: made.ingressId, reason: "unauthorized_rtmp_password" }));

    const second = (await create(app.name, { inputType: "rtmp", room: "guarded2" })).body.data;
    await api("POST", `/api/v1/apps/${app.name}/ingress/${second.ingressId}/validate`, { json: { password: second.stream_password } });
    await livekit("ingress/start", { ingressId: second.ingressId });
    expect((await api("GET", `/api/v1/apps/${app.name}/ingress/${second.ingressId}`)).body.data).toMatchObject({ status: "publishing", passwordValidatedAt: null });
  });
});
