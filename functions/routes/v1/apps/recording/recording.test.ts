import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createUser, livekit, login } from "../../../../testing.ts";

const S3 = JSON.parse((env as unknown as Record<string, string>).TEST_S3!) as { url: string; accessKeyId: string; secretAccessKey: string; region: string };
const events = async (app: string) => (await env.APP.get(env.APP.idFromName(app)).events(0, 1000)).map((e) => e.type);

async function liveRoom(app: string, room: string) {
  await api("PUT", `/api/v1/apps/${app}/s3`, {
    json: { provider: "minio", endpoint: S3.url, region: S3.region, bucket: "vods", prefix: `apps/${app}`, key: S3.accessKeyId, secret: S3.secretAccessKey },
  });
  const publisher = (await api("POST", `/api/v1/apps/${app}/tokens`, { json: { room, identity: "host" } })).body.data;
  await livekit("join", { token: publisher.token });
  await livekit("publish", { room: publisher.room, identity: "host" });
  return publisher.room as string;
}

describe("against the LiveKit stand-in: recording to the app's bucket", () => {
  it("start → stop → a ready VOD whose presigned URL serves the MP4 → delete removes the object", async () => {
    const app = await createApp();
    const room = await liveRoom(app.name, "show");

    const started = await api("POST", `/api/v1/apps/${app.name}/recording/start`, { json: { roomName: "show" } });
    expect(started.status).toBe(200);
    expect(started.body.data).toMatchObject({ status: "recording", vodId: expect.stringMatching(/^vod_/), egressId: expect.stringMatching(/^EG_/) });
    const { vodId, egressId } = started.body.data;
    await livekit("webhooks", { room });

    const stopped = await api("POST", `/api/v1/apps/${app.name}/recording/${egressId}/stop`);
    expect(stopped.body.data).toEqual({ vodId, egressId, status: "uploading" });
    await livekit("webhooks", { room, until: "egress_ended", timeoutMs: 30_000 });

    const vod = (await api("GET", `/api/v1/apps/${app.name}/vods/${vodId}?ttl=600`)).body.data;
    expect(vod).toMatchObject({ id: vodId, status: "ready", room, mode: "room-composite", format: "mp4", width: 1280, height: 720 });
    expect(vod.fileKey).toBe(`apps/${app.name}/vods/${room}/${vodId}.mp4`);
    expect(vod.sizeBytes).toBeGreaterThan(1000);
    expect(vod.durationS).toBeGreaterThanOrEqual(2);
    expect(vod.url).toBe(vod.presignedUrl);

    const download = await fetch(vod.presignedUrl);
    expect(download.status).toBe(200);
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(bytes.length).toBe(vod.sizeBytes);
    expect(new TextDecoder().decode(bytes.slice(4, 8))).toBe("ftyp");

    const listed = await api("GET", `/api/v1/apps/${app.name}/vods?status=ready&room=show`);
    expect(listed.body.data.map((v: any) => v.id)).toEqual([vodId]);
    expect(await events(app.name)).toEqual(expect.arrayContaining(["recording_started", "egress_started", "egress_ended", "vod_ready"]));

    const deleted = await api("DELETE", `/api/v1/apps/${app.name}/vods/${vodId}`);
    expect(deleted.body.data).toEqual({ id: vodId, deleted: true, s3Deleted: true, localDeleted: false });
    expect((await fetch(vod.presignedUrl)).status).toBe(404);
    expect((await api("GET", `/api/v1/apps/${app.name}/vods/${vodId}`)).status).toBe(404);
    expect((await api("DELETE", `/api/v1/apps/${app.name}/vods/${vodId}`)).status).toBe(404);
  });

  it("counts the minutes against the tenant's monthly quota and refuses past it", async () => {
    const tenant = await createTenant({ maxApps: 5, maxRecordingMinutesMonth: 1 });
    const app = await createApp(tenant.id);
    const owner = await createUser(tenant.id, "owner");
    const jwt = await login(owner.email, owner.password);
    const room = await liveRoom(app.name, "metered");
    const started = (await api("POST", `/api/v1/apps/${app.name}/recording/start`, { token: jwt, json: { roomName: "metered" } })).body.data;
    expect((await api("GET", `/api/v1/tenants/${tenant.id}/usage`)).body.data.usage.recordingMinutesMonth).toBe(1);

    const refused = await api("POST", `/api/v1/apps/${app.name}/recording/start`, { token: jwt, json: { roomName: "metered" } });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "quota_exceeded", metric: "maxRecordingMinutesMonth", limit: 1, used: 1 });

    await api("POST", `/api/v1/apps/${app.name}/recording/${started.vodId}/stop`, { token: jwt });
    await livekit("webhooks", { room, until: "egress_ended", timeoutMs: 30_000 });
    const usage = (await api("GET", `/api/v1/tenants/${tenant.id}/usage`)).body.data.usage;
    expect(usage.recordingMinutesMonth).toBe(1);
    expect(usage.storageGb).toBeGreaterThan(0);
  });

  it("refuses when recording is off, when S3 is not set, and for rooms LiveKit does not have", async () => {
    const app = await createApp();
    expect((await api("POST", `/api/v1/apps/${app.name}/recording/start`, { json: { roomName: "x" } })).body.error.code).toBe("s3_not_configured");
    await liveRoom(app.name, "real");
    const missing = await api("POST", `/api/v1/apps/${app.name}/recording/start`, { json: { roomName: "nobody-here" } });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: "livekit_rejected", details: { code: "failed_precondition", reason: "room does not exist" } });
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { recordingEnabled: false } });
    expect((await api("POST", `/api/v1/apps/${app.name}/recording/start`, { json: { roomName: "real" } })).body.error.code).toBe("recording_disabled");
    expect((await api("POST", `/api/v1/apps/${app.name}/recording/vod_missing/stop`)).status).toBe(404);
  });
});

describe("against the LiveKit stand-in: recording by the stream, and auto-record", () => {
  it("records a live stream's room, idempotently, and stops it", async () => {
    const app = await createApp();
    const room = await liveRoom(app.name, "by-stream");
    const id = encodeURIComponent(`${room}/host`);
    const first = (await api("POST", `/api/v1/apps/${app.name}/streams/${id}/record/start`)).body.data;
    expect(first).toMatchObject({ status: "recording" });
    expect((await api("POST", `/api/v1/apps/${app.name}/streams/${id}/record/start`)).body.data.vodId).toBe(first.vodId);
    expect((await api("POST", `/api/v1/apps/${app.name}/streams/${id}/record/stop`)).body.data).toEqual({ vodId: first.vodId, egressId: first.egressId, status: "uploading" });
    await livekit("webhooks", { room, until: "egress_ended", timeoutMs: 30_000 });
    expect((await api("POST", `/api/v1/apps/${app.name}/streams/${id}/record/stop`)).status).toBe(404);
    expect((await api("POST", `/api/v1/apps/${app.name}/streams/${encodeURIComponent(`${room}/ghost`)}/record/start`)).status).toBe(404);
  });

  it("records once when two starts come at once, and two stops that cross both stop it", async () => {
    const app = await createApp();
    const room = await liveRoom(app.name, "twice");
    const id = encodeURIComponent(`${room}/host`);
    const start = () => api("POST", `/api/v1/apps/${app.name}/streams/${id}/record/start`);
    const [a, b] = await Promise.all([start(), start()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.data.vodId).toBe(a.body.data.vodId);
    const starts = (await livekit("state")).calls.filter((call: { method: string; request: { roomName?: string } }) => call.method === "livekit.Egress/StartRoomCompositeEgress" && call.request.roomName === room);
    expect(starts).toHaveLength(1);
    expect((await api("GET", `/api/v1/apps/${app.name}/vods`)).body.data).toHaveLength(1);

    // Two stops that cross: the later one finds LiveKit's egress already ending, which is what it wanted.
    const stop = () => api("POST", `/api/v1/apps/${app.name}/streams/${id}/record/stop`);
    const stops = await Promise.all([stop(), stop()]);
    expect(stops.map((r) => r.status).sort()).toEqual([200, 200]);
    expect(stops.map((r) => r.body.data)).toEqual([0, 1].map(() => ({ vodId: a.body.data.vodId, egressId: a.body.data.egressId, status: "uploading" })));
  });

  it("starts recording a room when its first stream starts, with autoRecord on", async () => {
    const app = await createApp();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { autoRecord: true } });
    const room = await liveRoom(app.name, "auto");
    const vods = (await api("GET", `/api/v1/apps/${app.name}/vods`)).body.data;
    expect(vods).toEqual([expect.objectContaining({ room, status: "recording", mode: "room-composite" })]);
    // A second publisher in the same room does not start a second recording.
    const second = (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "auto", identity: "guest" } })).body.data;
    await livekit("join", { token: second.token });
    await livekit("publish", { room, identity: "guest" });
    expect((await api("GET", `/api/v1/apps/${app.name}/vods`)).body.total).toBe(1);
  });
});
