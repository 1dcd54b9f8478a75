import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createUser, LIVEKIT_URL, login } from "../../../../testing.ts";

// The original StreamHub's ingress fields and its way of adding an RTSP camera.

const CLUSTER = { "X-Cluster-Token": (env as unknown as Record<string, string>).STREAMHUB_CLUSTER_TOKEN! };
const standinState = async () => (await (await fetch(`${LIVEKIT_URL}/_test/state`, { method: "POST" })).json()) as any;
const create = (app: string, json: Record<string, unknown>) => api("POST", `/api/v1/apps/${app}/ingress`, { json });

describe("against the LiveKit stand-in: the original's ingress fields", () => {
  it("list and get rows carry rtmp_url, stream_key, roomName and requires_password", async () => {
    const app = await createApp();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { rtmpPassword: true } } });
    const made = (await create(app.name, { inputType: "rtmp", room: "studio" })).body.data;
    const expected = { ingressId: made.ingressId, roomName: `${app.name}-studio`, rtmp_url: made.rtmp_url, stream_key: made.streamKey, requires_password: true };
    expect(made.rtmp_url).toBe(`${made.url}/${made.streamKey}`);

    const listed = await api("GET", `/api/v1/apps/${app.name}/ingress`);
    expect(listed.body.data).toEqual([expect.objectContaining(expected)]);
    const one = await api("GET", `/api/v1/apps/${app.name}/ingress/${made.ingressId}`);
    expect(one.body.data).toMatchObject(expected);
  });

  it("rows of other inputs: no rtmp_url, no password needed", async () => {
    const app = await createApp();
    const whip = (await create(app.name, { inputType: "whip", room: "w" })).body.data;
    const row = (await api("GET", `/api/v1/apps/${app.name}/ingress/${whip.ingressId}`)).body.data;
    expect(row).toMatchObject({ roomName: `${app.name}-w`, rtmp_url: null, requires_password: false });
  });

  it("POST {inputType:url, url:rtsp://…} (the original's way) makes an RTSP relay", async () => {
    const app = await createApp();
    const camera = await create(app.name, { inputType: "url", room: "cam", url: "rtsp://camera.local/stream" });
    expect(camera.status).toBe(201);
    expect(camera.body.data).toMatchObject({ inputType: "rtsp", sourceUrl: "rtsp://camera.local/stream", roomName: `${app.name}-cam`, relay: { status: "pending" } });

    // An RTMP ingress in LiveKit (it cannot pull RTSP) …
    const inLiveKit = (await standinState()).ingresses.find((i: any) => i.ingressId === camera.body.data.ingressId);
    expect(inLiveKit.inputType ?? "RTMP_INPUT").toBe("RTMP_INPUT");
    expect(inLiveKit.url ?? "").not.toContain("rtsp://");
    // … fed by the relay sidecar, which is told to run it.
    const relays = (await api("GET", "/api/v1/relays", { token: null, headers: CLUSTER })).body.data.filter((r: any) => r.app === app.name);
    expect(relays).toEqual([expect.objectContaining({ id: camera.body.data.ingressId, sourceUrl: "rtsp://camera.local/stream", rtmpUrl: `${camera.body.data.url}/${camera.body.data.streamKey}` })]);
  });

  it("url inputs with other schemes stay what LiveKit pulls; unknown schemes are still a 400", async () => {
    const app = await createApp();
    const pull = await create(app.name, { inputType: "url", url: "srt://media.example.com:9000" });
    expect(pull.body.data).toMatchObject({ inputType: "url", relay: null });
    for (const url of ["ftp://camera.local/stream", "file:///etc/passwd", "not a url"]) {
      const refused = await create(app.name, { inputType: "url", url });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe("validation_failed");
    }
  });
});

describe("against the LiveKit stand-in: who sees stream_key", () => {
  it("a viewer's rows have stream_key and rtmp_url null; an editor's have them", async () => {
    const tenant = await createTenant({ maxApps: 5 });
    const app = await createApp(tenant.id);
    const made = (await create(app.name, { inputType: "rtmp" })).body.data;
    const viewer = await login((await createUser(tenant.id, "viewer")).email, "a-long-test-password-1");
    const editor = await login((await createUser(tenant.id, "editor")).email, "a-long-test-password-1");

    for (const path of [`/api/v1/apps/${app.name}/ingress`, `/api/v1/apps/${app.name}/ingress/${made.ingressId}`]) {
      const asViewer = await api("GET", path, { token: viewer });
      expect(asViewer.status).toBe(200);
      expect(JSON.stringify(asViewer.body)).not.toContain(made.streamKey);
      const row = Array.isArray(asViewer.body.data) ? asViewer.body.data[0] : asViewer.body.data;
      expect(row).toMatchObject({ stream_key: null, rtmp_url: null, streamKey: null, requires_password: false });

      const asEditor = await api("GET", path, { token: editor });
      const editorRow = Array.isArray(asEditor.body.data) ? asEditor.body.data[0] : asEditor.body.data;
      expect(editorRow).toMatchObject({ stream_key: made.streamKey, rtmp_url: made.rtmp_url });
    }
  });
});
