// The original StreamHub's documented REST calls (its streamhub-docs API
// reference), replayed in order against a StreamHub started as `npm start`
// starts it, with the LiveKit stand-in and a verifying S3 behind it. Each call
// checks the status and the fields that the original's clients read: its
// dashboard (streamhub-web, which unwraps `data` of an envelope and takes any
// 2xx) and its SDK (streamhub-adaptor: `json.data ?? json`).
//
// Where StreamHub deliberately differs, the test pins the difference down and
// names the README entry ("Compatibility with the original StreamHub") that
// lists it, so that a difference can neither appear nor go unlisted silently.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveKitStandin } from "../livekit/standin.ts";
import { call, until, type RunningStreamHub } from "../e2e/harness.ts";
import { startStandinStack, type StandinStack } from "../e2e/standin-stack.ts";

const KEY = "APIcompatsuite";
const SECRET = "compat-suite-secret-0123456789abcdef012345";
const TOKEN = "sk_compat_suite_token_0123456789abcdefghijk";
const ADMIN = { user: "ops@compat.test", password: "compat-break-glass-1" };

let stack: StandinStack;
let standin: LiveKitStandin;
let node: RunningStreamHub;

beforeAll(async () => {
  stack = await startStandinStack({ token: TOKEN, apiKey: KEY, apiSecret: SECRET, bucket: "media", env: { ADMIN_USER: ADMIN.user, ADMIN_PASS: ADMIN.password } });
  ({ standin, node } = stack);
});
afterAll(() => stack?.close());

const api = (method: string, path: string, json?: unknown, token: string | undefined = TOKEN) => call(node.url, method, path, { token, json });
/** What the original's clients take from a body: `data` of an envelope, else the body. */
const payload = (body: any) => (body && typeof body === "object" && "data" in body ? body.data : body);
const ok = (status: number) => status >= 200 && status < 300;

/** The README's list of deliberate differences: each one the suite meets must be there. */
const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const compatSection = README.slice(README.indexOf("## Compatibility with the original StreamHub"));
const listed = (difference: string) => expect(compatSection, `README lists: ${difference}`).toContain(difference);

// The fields each client type of the original reads (streamhub-web/src/api/types.ts, streamhub-adaptor).
const APP_FIELDS = ["id", "name", "displayName", "livekitRoomPrefix", "createdAt", "updatedAt", "settingsJson"];
const TOKEN_SUMMARY_FIELDS = ["id", "name", "scope", "appId", "lastUsedAt", "createdAt", "revoked"];
const MINTED_FIELDS = ["token", "wsUrl", "app", "room", "identity", "playUrl", "embedUrl", "iframe"];
const INGRESS_FIELDS = ["ingressId", "url", "streamKey", "roomName", "rtmp_url", "stream_key", "requires_password", "name", "room", "inputType", "status", "viewers", "startedAt"];
const STREAM_FIELDS = ["id", "appId", "streamId", "type", "room", "participant", "status", "startedAt", "endedAt", "lastStatsJson"];
const VOD_FIELDS = ["id", "appId", "streamId", "room", "name", "fileKey", "s3Url", "publicUrl", "sizeBytes", "durationS", "width", "height", "format", "status", "localPath", "startedAt", "endedAt", "metatagsJson", "snapshotKey"];
const LOG_FIELDS = ["id", "ts", "level", "source", "appId", "message", "metaJson"];
const CONFIG_FIELDS = ["adaptive", "layers", "rtmp", "transcoding"];
const S3_FIELDS = ["provider", "bucket", "region", "endpoint", "prefix", "public_url", "key", "secret", "configured"];

const hasFields = (value: unknown, fields: string[]) => {
  expect(value, "a JSON object").toBeTypeOf("object");
  for (const field of fields) expect(value, `field ${field}`).toHaveProperty(field);
};

describe("against the LiveKit stand-in: the original StreamHub's documented calls", () => {
  let login: string;

  it("POST /auth/login as the original dashboard sends it ({user, email, password}) → 200 {data:{token}}; GET /auth/me", async () => {
    const response = await api("POST", "/api/v1/auth/login", { user: ADMIN.user, email: ADMIN.user, password: ADMIN.password }, undefined);
    expect(response.status).toBe(200);
    login = payload(response.body).token;
    expect(login).toEqual(expect.any(String));
    const me = await api("GET", "/api/v1/auth/me", undefined, login);
    expect(me.status).toBe(200);
    expect(payload(me.body)).toMatchObject({ userId: "admin", isSuperadmin: true });
  });

  it("a refused login carries its reason as a top-level message, where the original dashboard reads it", async () => {
    const response = await api("POST", "/api/v1/auth/login", { user: ADMIN.user, password: "not-the-password" }, undefined);
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe("invalid_credentials");
    expect(response.body.message).toBe(response.body.error.message);
    expect(response.body.message).not.toBe("");
  });

  it("GET /health → 200 (enveloped: a listed difference)", async () => {
    const response = await api("GET", "/api/v1/health", undefined, undefined);
    expect(response.status).toBe(200);
    expect(payload(response.body)).toMatchObject({ status: "ok", up: true, version: expect.any(String), ts: expect.any(String), uptimeSeconds: expect.any(Number) });
    // The original answered /health plain and its dashboard reads it plain.
    expect(response.body.status).toBeUndefined();
    listed("`GET /health`");
  });

  it("POST /apps {name, displayName, roomPrefix} → 201 AppRecord; GET /apps, GET /apps/{name}", async () => {
    const created = await api("POST", "/api/v1/apps", { name: "live", displayName: "Live", roomPrefix: "live" });
    expect(created.status).toBe(201);
    const app = payload(created.body);
    hasFields(app, APP_FIELDS);
    expect(app).toMatchObject({ name: "live", displayName: "Live", livekitRoomPrefix: "live" });
    expect(app.id).toBeTypeOf("number");
    expect(app.settingsJson).toBeTypeOf("string");
    expect(app).not.toHaveProperty("settings");

    const list = await api("GET", "/api/v1/apps");
    expect(list.status).toBe(200);
    const listedApp = payload(list.body).find((a: any) => a.name === "live");
    hasFields(listedApp, APP_FIELDS);
    expect(listedApp).not.toHaveProperty("settings");
    // A page: the original's /apps was a bare array; its dashboard unwraps `data`.
    expect(list.body).toMatchObject({ total: expect.any(Number), limit: expect.any(Number), offset: 0 });
    listed("`GET /apps`");

    const one = await api("GET", "/api/v1/apps/live");
    expect(one.status).toBe(200);
    expect(payload(one.body)).toEqual(app);
    expect((await api("GET", "/api/v1/apps/no-such-app")).status).toBe(404);
  });

  it("PATCH /apps/{name} {displayName, recordingEnabled, callbackUrl} → 200, the app (not the original's merged AppConfig)", async () => {
    const response = await api("PATCH", "/api/v1/apps/live", { displayName: "Live channel", recordingEnabled: true, callbackUrl: "https://hooks.example.com/streamhub" });
    expect(response.status).toBe(200);
    const app = payload(response.body);
    hasFields(app, APP_FIELDS);
    expect(app.displayName).toBe("Live channel");
    expect(JSON.parse(app.settingsJson)).toMatchObject({ recordingEnabled: true, callbackUrl: "https://hooks.example.com/streamhub" });
    listed("`PATCH /apps/{name}`");
    // A legacy callback secret of any length carries over; an unknown field is still refused.
    expect((await api("PATCH", "/api/v1/apps/live", { callbackSecret: "s3cret" })).status).toBe(200);
    const typo = await api("PATCH", "/api/v1/apps/live", { callbackSecert: "s3cret" });
    expect(typo.status).toBe(400);
    expect(typo.body.error.code).toBe("validation_failed");
  });

  it("POST /tokens {name, scope, allowedIps} → 201 {id, token}; GET /tokens rows; DELETE /tokens/{id} → 204", async () => {
    const created = await api("POST", "/api/v1/tokens", { name: "ui-server", scope: "global", allowedIps: ["127.0.0.1"] });
    expect(created.status).toBe(201);
    const { id, token } = payload(created.body);
    expect(token).toMatch(/^sk_/);
    const list = await api("GET", "/api/v1/tokens");
    expect(list.status).toBe(200);
    const row = payload(list.body).find((t: any) => t.id === id);
    hasFields(row, TOKEN_SUMMARY_FIELDS);
    // Token ids are opaque strings here, numbers in the original.
    expect(row.id).toBeTypeOf("string");
    listed("Token ids");
    // An app token with the numeric app id, as the original documents it.
    const appId = payload((await api("GET", "/api/v1/apps/live")).body).id;
    expect((await api("POST", "/api/v1/tokens", { name: "live-integration", scope: "app", appId })).status).toBe(201);
    expect((await api("DELETE", `/api/v1/tokens/${id}`)).status).toBe(204);
  });

  it("GET /logs?app=&level=&limit= and GET /apps/{app}/logs → 200 pages of log rows", async () => {
    for (const path of ["/api/v1/logs?app=live&level=error&limit=50", "/api/v1/apps/live/logs?level=error&q=egress&limit=50", "/api/v1/logs?limit=5"]) {
      const response = await api("GET", path);
      expect(response.status, path).toBe(200);
      expect(response.body).toMatchObject({ data: expect.any(Array), total: expect.any(Number), limit: expect.any(Number), offset: 0 });
      for (const row of response.body.data) hasFields(row, LOG_FIELDS);
    }
  });

  it("POST /apps/{app}/tokens (viewer, and hidden QC/recorder) → 2xx {token, wsUrl, room: prefixed, playUrl, embedUrl, iframe}", async () => {
    const viewer = await api("POST", "/api/v1/apps/live/tokens", { room: "demo", identity: "viewer-1", canPublish: false, ttl: "10m" });
    expect(ok(viewer.status)).toBe(true);
    hasFields(payload(viewer.body), MINTED_FIELDS);
    expect(payload(viewer.body)).toMatchObject({ app: "live", room: "live-demo", identity: "viewer-1" });
    const qc = await api("POST", "/api/v1/apps/live/tokens", { room: "demo", identity: "qc-1", hidden: true, recorder: true, canPublish: false });
    expect(ok(qc.status)).toBe(true);
    hasFields(payload(qc.body), ["token", "wsUrl"]);
    // 201 where the original documents 200; its clients take any 2xx.
    expect(viewer.status).toBe(201);
    listed("201 Created");
  });

  it("the original SDK's token request (URL from websocket_url, its headers and body) → res.ok, data.token and data.wsUrl that LiveKit accepts", async () => {
    // streamhub-adaptor: `wss://host/<app>/websocket` → `{origin}/api/v1/apps/<app>/tokens`.
    const websocketUrl = `${node.url.replace(/^http/, "ws")}/live/websocket`;
    const url = `${new URL(websocketUrl.replace(/^ws/, "http")).origin}/api/v1/apps/live/tokens`;
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ room: "demo", identity: "sdk-publisher", canPublish: true, canSubscribe: true }),
    });
    expect(response.ok).toBe(true);
    const json: any = await response.json();
    const data = json?.data ?? json;
    expect(data).toMatchObject({ token: expect.any(String), wsUrl: expect.any(String), room: "live-demo" });
    const joined = await standin.join(data.token);
    expect(joined.identity).toBe("sdk-publisher");
    await standin.leave("live-demo", "sdk-publisher");
  });

  let rtmp: any;
  it("POST /apps/{app}/ingress {inputType: rtmp, room, enableTranscoding} → 2xx with url + streamKey, rtmp_url, roomName", async () => {
    const response = await api("POST", "/api/v1/apps/live/ingress", { inputType: "rtmp", room: "demo", enableTranscoding: true });
    expect(ok(response.status)).toBe(true);
    rtmp = payload(response.body);
    hasFields(rtmp, INGRESS_FIELDS);
    expect(rtmp).toMatchObject({ roomName: "live-demo", requires_password: false, stream_key: rtmp.streamKey });
    expect(rtmp.rtmp_url).toBe(`${rtmp.url}/${rtmp.streamKey}`);
  });

  it("POST /apps/{app}/ingress {inputType: url, url: rtsp://…} (how the original adds a camera) → 2xx, an RTSP relay", async () => {
    const response = await api("POST", "/api/v1/apps/live/ingress", { inputType: "url", room: "cam", url: "rtsp://camera.local/stream" });
    expect(ok(response.status)).toBe(true);
    expect(payload(response.body)).toMatchObject({ roomName: "live-cam", inputType: "rtsp", relay: { status: "pending" } });
    listed('`inputType: "url"` with an `rtsp://`');
  });

  it("GET /apps/{app}/ingress → a page of rows; GET and DELETE /apps/{app}/ingress/{id}", async () => {
    const list = await api("GET", "/api/v1/apps/live/ingress");
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 2, limit: expect.any(Number), offset: 0 });
    for (const row of list.body.data) hasFields(row, INGRESS_FIELDS);
    const one = await api("GET", `/api/v1/apps/live/ingress/${rtmp.ingressId}`);
    expect(one.status).toBe(200);
    expect(payload(one.body)).toMatchObject({ ingressId: rtmp.ingressId, stream_key: rtmp.streamKey, rtmp_url: rtmp.rtmp_url });
    const deleted = await api("DELETE", `/api/v1/apps/live/ingress/${rtmp.ingressId}`);
    expect(deleted.status).toBe(200);
    expect(payload(deleted.body)).toEqual({ ingressId: rtmp.ingressId, deleted: true });
    expect((await api("GET", `/api/v1/apps/live/ingress/${rtmp.ingressId}`)).status).toBe(404);
  });

  it("PUT /apps/{app}/s3 → 200 with masked keys; GET /apps/{app}/s3", async () => {
    const put = await api("PUT", "/api/v1/apps/live/s3", stack.s3Settings());
    expect(put.status).toBe(200);
    hasFields(payload(put.body), S3_FIELDS);
    const got = await api("GET", "/api/v1/apps/live/s3");
    expect(payload(got.body)).toMatchObject({ configured: true, provider: "minio", bucket: "media" });
    expect(JSON.stringify(got.body)).not.toContain(stack.s3.credentials.secretAccessKey);
  });

  it("GET /apps/{app}/streams → stream rows; GET /streams/{id} with the id's `/` as %2F", async () => {
    const publisher = payload((await api("POST", "/api/v1/apps/live/tokens", { room: "demo", identity: "camera-1" })).body);
    await standin.join(publisher.token);
    await standin.publish("live-demo", "camera-1");
    const streams = await until("the stream is listed", async () => payload((await api("GET", "/api/v1/apps/live/streams")).body), (rows: any[]) => rows.length === 1);
    hasFields(streams[0], STREAM_FIELDS);
    const appId = payload((await api("GET", "/api/v1/apps/live")).body).id;
    expect(streams[0]).toMatchObject({ appId, streamId: "live-demo/camera-1", type: "webrtc", room: "live-demo", participant: "camera-1", status: "active", endedAt: null });
    // The stream's id is its "<room>/<identity>", not a row number.
    expect(streams[0].id).toBe("live-demo/camera-1");
    listed("Stream ids");

    expect(payload((await api("GET", "/api/v1/apps/live/streams/live-demo%2Fcamera-1")).body)).toMatchObject({ streamId: "live-demo/camera-1", appId });
    // The original's docs write the id's slash as is; here it must be %2F (the path has routes below the id).
    expect((await api("GET", "/api/v1/apps/live/streams/live-demo/camera-1")).status).toBe(404);
    listed("`%2F`");
  });

  let vodId: string;
  it("POST /apps/{app}/recording/start {roomName} → {vodId, egressId, status: recording}; stop → uploading; the VOD turns ready", async () => {
    const started = await api("POST", "/api/v1/apps/live/recording/start", { roomName: "live-demo" });
    expect(started.status).toBe(200);
    const handle = payload(started.body);
    expect(handle).toMatchObject({ vodId: expect.any(String), egressId: expect.any(String), status: "recording" });
    vodId = handle.vodId;
    listed("VOD ids");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const stopped = await api("POST", `/api/v1/apps/live/recording/${vodId}/stop`);
    expect(stopped.status).toBe(200);
    expect(payload(stopped.body)).toEqual({ vodId, egressId: handle.egressId, status: "uploading" });
    // A running recording cannot be deleted; its code says why.
    const early = await api("DELETE", `/api/v1/apps/live/vods/${vodId}`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("recording_running");
    await standin.egresses.get(handle.egressId)?.finished;
  });

  it("GET /apps/{app}/vods?status&room&order&dir&limit → a page of VodRecords; GET /vods/{id} with url, presignedUrl, adaptive, variants; DELETE", async () => {
    const list = await until(
      "the VOD is ready",
      async () => api("GET", "/api/v1/apps/live/vods?status=ready&room=live-demo&order=size_bytes&dir=desc&limit=50"),
      (response) => response.body.total === 1,
    );
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, limit: 50, offset: 0, error: null });
    hasFields(list.body.data[0], VOD_FIELDS);
    expect(list.body.data[0]).toMatchObject({ id: vodId, status: "ready", room: "live-demo", format: "mp4" });
    expect((await api("GET", "/api/v1/apps/live/vods?all=1")).body.data).toHaveLength(1);

    const detail = payload((await api("GET", `/api/v1/apps/live/vods/${vodId}`)).body);
    hasFields(detail, [...VOD_FIELDS, "url", "presignedUrl", "adaptive", "variants"]);
    expect(detail.url).toBe(detail.presignedUrl);
    expect((await fetch(detail.presignedUrl)).status).toBe(200);

    const deleted = await api("DELETE", `/api/v1/apps/live/vods/${vodId}`);
    expect(deleted.status).toBe(200);
    expect(payload(deleted.body)).toMatchObject({ id: vodId, deleted: true });
  });

  it("DELETE /apps/{app}/streams/{id} → 204", async () => {
    expect((await api("DELETE", "/api/v1/apps/live/streams/live-demo%2Fcamera-1")).status).toBe(204);
    expect(payload((await api("GET", "/api/v1/apps/live/streams")).body)).toEqual([]);
  });

  it("GET /apps/{app}/config → the adaptive/transcoding view; PATCH {adaptive, layers} → 200 merged", async () => {
    const got = await api("GET", "/api/v1/apps/live/config");
    expect(got.status).toBe(200);
    hasFields(payload(got.body), CONFIG_FIELDS);
    const patched = await api("PATCH", "/api/v1/apps/live/config", { adaptive: true, layers: [{ name: "high", height: 720 }, { name: "low", height: 360 }] });
    expect(patched.status).toBe(200);
    expect(payload(patched.body)).toMatchObject({ adaptive: true, layers: [{ name: "high", height: 720 }, { name: "low", height: 360 }], transcoding: { enabled: false } });
    // The original's documented transcoding example asks for what StreamHub does not do: refused, not stored.
    const transcode = await api("PATCH", "/api/v1/apps/live/config", { transcodingEnabled: true, encoding: "h264+vp8", vodAdaptive: true, vodRenditions: [{ height: 720, bitrateKbps: 2800 }] });
    expect(transcode.status).toBe(400);
    expect(transcode.body.error.message).toContain("does not transcode");
    listed("`transcodingEnabled`");
  });

  it("GET /apps/{app}/play-token/{room} (public) → {token, wsUrl}; with public playback off, a 404 that says so", async () => {
    const open = await api("GET", "/api/v1/apps/live/play-token/demo", undefined, undefined);
    expect(open.status).toBe(200);
    hasFields(payload(open.body), ["token", "wsUrl", "room"]);
    await api("PATCH", "/api/v1/apps/live", { features: { publicPlayback: false } });
    const closed = await api("GET", "/api/v1/apps/live/play-token/demo", undefined, undefined);
    expect(closed.status).toBe(404);
    expect(closed.body.error.code).toBe("public_playback_disabled");
  });

  it.each([
    ["/api/v1/stats", ["counts", "egress", "storage", "livekitReachable"]],
    ["/api/v1/apps/live/stats", ["counts", "egress", "storage", "livekitReachable"]],
    ["/api/v1/cluster/info", ["enabled"]],
  ])("GET %s (documented by the original) → 200 in our envelope, with our fields, listed in the README", async (path, fields) => {
    const response = await api("GET", path);
    expect(response.status).toBe(200);
    hasFields(payload(response.body), fields as string[]);
    listed(`\`${path.replace("/api/v1", "").replace("/live/", "/{app}/")}\``);
  });

  it.each([
    ["GET", "/api/v1/apps/live/vods/vod_x/download"],
    ["GET", "/api/v1/apps/live/vods/vod_x/raw"],
    ["GET", "/api/v1/apps/live/transcoding/layers"],
    ["POST", "/api/v1/apps/live/snapshots"],
    ["GET", "/api/v1/auth/config"],
    ["GET", "/api/v1/system/settings"],
  ])("%s %s (documented by the original, not served here) → a 404 with a code, listed in the README", async (method, path) => {
    const response = await api(method, path, method === "POST" ? { room: "live-demo" } : undefined);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toMatch(/^(not_found|vod_not_found)$/);
    listed(`\`${path.replace("/api/v1", "").replace("/live/", "/{app}/").replace("vod_x", "{id}")}\``);
  });

  it("DELETE /apps/{name}?deleteVods=true → 200 {deleted: true, name}", async () => {
    const response = await api("DELETE", "/api/v1/apps/live?deleteVods=true");
    expect(response.status).toBe(200);
    expect(payload(response.body)).toEqual({ deleted: true, name: "live" });
    expect((await api("GET", "/api/v1/apps/live")).status).toBe(404);
  });
});
