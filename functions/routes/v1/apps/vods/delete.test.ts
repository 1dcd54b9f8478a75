import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createUser, livekit, login } from "../../../../testing.ts";

const S3 = JSON.parse((env as unknown as Record<string, string>).TEST_S3!) as { url: string; accessKeyId: string; secretAccessKey: string; region: string };

async function recording(app: string) {
  await api("PUT", `/api/v1/apps/${app}/s3`, {
    json: { provider: "minio", endpoint: S3.url, region: S3.region, bucket: "vods", prefix: `apps/${app}`, key: S3.accessKeyId, secret: S3.secretAccessKey },
  });
  const publisher = (await api("POST", `/api/v1/apps/${app}/tokens`, { json: { room: "show", identity: "host" } })).body.data;
  await livekit("join", { token: publisher.token });
  await livekit("publish", { room: publisher.room, identity: "host" });
  const started = (await api("POST", `/api/v1/apps/${app}/recording/start`, { json: { roomName: "show" } })).body.data;
  await livekit("webhooks", { room: publisher.room });
  return { ...started, room: publisher.room as string };
}

describe("against the LiveKit stand-in: deleting a recording that is not finished", () => {
  it("answers 409 recording_running while it records, and while it uploads; the VOD stays", async () => {
    const app = await createApp();
    const { vodId, egressId } = await recording(app.name);

    const whileRecording = await api("DELETE", `/api/v1/apps/${app.name}/vods/${vodId}`);
    expect(whileRecording.status).toBe(409);
    expect(whileRecording.body.error).toMatchObject({ code: "recording_running", message: expect.stringMatching(/still running: stop it first/) });

    expect((await api("POST", `/api/v1/apps/${app.name}/recording/${egressId}/stop`)).body.data.status).toBe("uploading");
    const whileUploading = await api("DELETE", `/api/v1/apps/${app.name}/vods/${vodId}`);
    expect(whileUploading.status).toBe(409);
    expect(whileUploading.body.error).toMatchObject({ code: "recording_running", message: expect.stringMatching(/still uploading/) });

    expect((await api("GET", `/api/v1/apps/${app.name}/vods/${vodId}`)).body.data).toMatchObject({ id: vodId, status: "uploading" });
  });

  it("rows carry the original's VodRecord fields: numeric appId, name, localPath, metatagsJson, snapshotKey; detail adds adaptive and variants", async () => {
    const app = await createApp();
    const { vodId, room } = await recording(app.name);
    const [row] = (await api("GET", `/api/v1/apps/${app.name}/vods`)).body.data;
    expect(row).toMatchObject({ id: vodId, appId: app.id, name: expect.stringMatching(new RegExp(`^${room}-\\d{4}-\\d{2}-\\d{2}$`)), localPath: null, snapshotKey: null });
    expect(JSON.parse(row.metatagsJson)).toEqual({ room, mode: "room-composite", codec: "h264" });
    const detail = (await api("GET", `/api/v1/apps/${app.name}/vods/${vodId}`)).body.data;
    expect(detail).toMatchObject({ appId: app.id, adaptive: null, variants: [] });
  });

  it("stopping twice is recording_ended, whose message says it is not running", async () => {
    const app = await createApp();
    const { egressId } = await recording(app.name);
    await api("POST", `/api/v1/apps/${app.name}/recording/${egressId}/stop`);
    const again = await api("POST", `/api/v1/apps/${app.name}/recording/${egressId}/stop`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "recording_ended", message: expect.stringMatching(/is already uploading/) });
  });

  it("a viewer may not delete a recording, running or not (403 before any state is told)", async () => {
    const tenant = await createTenant({ maxApps: 5 });
    const app = await createApp(tenant.id);
    const { vodId } = await recording(app.name);
    const viewer = await createUser(tenant.id, "viewer");
    const response = await api("DELETE", `/api/v1/apps/${app.name}/vods/${vodId}`, { token: await login(viewer.email, viewer.password) });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("forbidden");
  });
});
