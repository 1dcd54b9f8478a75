import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createApp, livekit } from "../../../../testing.ts";

const S3 = JSON.parse((env as unknown as Record<string, string>).TEST_S3!) as { url: string; accessKeyId: string; secretAccessKey: string; region: string };

async function liveStream(app: string, room: string) {
  await api("PUT", `/api/v1/apps/${app}/s3`, { json: { provider: "minio", endpoint: S3.url, region: S3.region, bucket: "vods", prefix: app, key: S3.accessKeyId, secret: S3.secretAccessKey } });
  const publisher = (await api("POST", `/api/v1/apps/${app}/tokens`, { json: { room, identity: "host" } })).body.data;
  await livekit("join", { token: publisher.token });
  await livekit("publish", { room: publisher.room, identity: "host" });
  return { room: publisher.room as string, id: encodeURIComponent(`${publisher.room}/host`) };
}

const get = (url: string) => SELF.fetch(url.replace(/^https?:\/\/[^/]+/, "http://streamhub.test"));

describe("against the LiveKit stand-in: live HLS", () => {
  it("starts (idempotently), serves the playlist and segments from the bucket, and stops", async () => {
    const app = await createApp();
    const { room, id } = await liveStream(app.name, "show");
    const started = (await api("POST", `/api/v1/apps/${app.name}/streams/${id}/hls/start`)).body.data;
    expect(started).toMatchObject({ status: "active", active: true, playlistUrl: `http://streamhub.test/hls/${app.name}/${room}/index.m3u8` });
    expect((await api("POST", `/api/v1/apps/${app.name}/streams/${id}/hls/start`)).body.data.egressId).toBe(started.egressId);
    await livekit("webhooks", { room });

    const playlist = await get(started.playlistUrl);
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get("Content-Type")).toBe("application/vnd.apple.mpegurl");
    expect(playlist.headers.get("Cache-Control")).toBe("no-cache");
    const text = await playlist.text();
    expect(text).toContain("#EXTM3U");
    const segment = text.split("\n").find((line) => line.endsWith(".ts"))!;
    expect(segment).toMatch(/^seg_\d{5}\.ts$/);

    const media = await get(`http://streamhub.test/hls/${app.name}/${room}/${segment}`);
    expect(media.status).toBe(200);
    expect(media.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(new Uint8Array(await media.arrayBuffer())[0]).toBe(0x47); // an MPEG-TS sync byte
    // The room as the app names it (what a player knows) leads to the same playlist.
    const byAppRoom = await get(`http://streamhub.test/hls/${app.name}/show/index.m3u8`);
    expect([byAppRoom.status, await byAppRoom.text()]).toEqual([200, text]);

    expect((await api("GET", `/api/v1/apps/${app.name}/streams/${id}/hls`)).body.data).toMatchObject({ active: true });
    expect((await api("POST", `/api/v1/apps/${app.name}/streams/${id}/hls/stop`)).body.data).toMatchObject({ status: "stopped", egressId: started.egressId });
    expect((await get(started.playlistUrl)).status).toBe(404);
    expect((await api("GET", `/api/v1/apps/${app.name}/streams/${id}/hls`)).body.data).toMatchObject({ active: false, playlistUrl: null });
  });

  it("starts one egress when two starts come at once", async () => {
    const app = await createApp();
    const { room, id } = await liveStream(app.name, "twice");
    const start = () => api("POST", `/api/v1/apps/${app.name}/streams/${id}/hls/start`);
    const [a, b] = await Promise.all([start(), start()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.data).toEqual(a.body.data);
    const starts = (await livekit("state")).calls.filter((call: { method: string; request: { roomName?: string } }) => call.method === "livekit.Egress/StartRoomCompositeEgress" && call.request.roomName === room);
    expect(starts).toHaveLength(1);
  });

  it("needs a play token for the room when public playback is off", async () => {
    const app = await createApp();
    const { id } = await liveStream(app.name, "private");
    const { playlistUrl } = (await api("POST", `/api/v1/apps/${app.name}/streams/${id}/hls/start`)).body.data;
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { publicPlayback: false } } });
    expect((await get(playlistUrl)).status).toBe(404);
    const viewer = (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "private", canPublish: false } })).body.data.token;
    const other = (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "elsewhere", canPublish: false } })).body.data.token;
    expect((await get(`${playlistUrl}?token=${other}`)).status).toBe(404);
    // A token that may not subscribe (a publisher-only grant) does not open it either.
    const sendOnly = (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "private", identity: "sender", canSubscribe: false } })).body.data.token;
    expect((await get(`${playlistUrl}?token=${sendOnly}`)).status).toBe(404);
    const allowed = await get(`${playlistUrl}?token=${viewer}`);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toMatch(/seg_\d{5}\.ts\?token=/);
  });

  it("is a 404 for rooms that are not live, unknown apps and odd file names", async () => {
    const app = await createApp();
    for (const path of [`/hls/${app.name}/${app.name}-nothing/index.m3u8`, "/hls/no-such-app/room/index.m3u8", `/hls/${app.name}/room/..%2Fsecret.ts`, `/hls/${app.name}/room/evil.sh`]) {
      expect((await SELF.fetch(`http://streamhub.test${path}`)).status).toBe(404);
    }
  });
});
