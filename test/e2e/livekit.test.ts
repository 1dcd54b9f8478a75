// The LiveKit control plane as a new user meets it, on StreamHub started as
// `npm start` does, with the LiveKit stand-in posting its signed webhooks over HTTP.
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveKitStandin } from "../livekit/standin.ts";
import { call, removeDataDir, startStreamHub, type RunningStreamHub } from "./harness.ts";

const KEY = "APIe2elivekit";
const SECRET = "e2e-livekit-secret-0123456789abcdef012345";
const TOKEN = "sk_livekit_e2e_token_0123456789abcdefghijklm";
let standin: LiveKitStandin;
let node: RunningStreamHub;

beforeAll(async () => {
  standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET });
  const livekitUrl = await standin.listen();
  node = await startStreamHub({ env: { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: livekitUrl, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET } });
  standin.setWebhookUrl(`${node.url}/api/v1/webhooks/livekit`);
});
afterAll(async () => {
  await node.stop();
  removeDataDir(node.dataDir);
  await standin.close();
});

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: TOKEN, json });

describe("against the LiveKit stand-in: LiveKit control plane on a running node", () => {
  it("publisher, viewers, ingresses and the end of a stream, through real webhooks", async () => {
    await api("POST", "/api/v1/tenants", { id: "studio", name: "Studio", quotas: { maxConcurrentStreams: 2 } });
    expect((await api("POST", "/api/v1/apps", { name: "live", tenantId: "studio" })).status).toBe(201);

    const publisher = (await api("POST", "/api/v1/apps/live/tokens", { room: "main", identity: "host", ttl: "2h" })).body.data;
    const claims = decodeJwt(publisher.token) as any;
    expect(claims.video).toEqual({ roomJoin: true, room: "live-main", canPublish: true, canSubscribe: true, canPublishData: true });
    expect(claims.exp - claims.nbf).toBe(7200);

    await standin.join(publisher.token);
    await standin.publish("live-main", "host");
    await standin.join((await api("POST", "/api/v1/apps/live/tokens", { room: "main", identity: "fan", canPublish: false })).body.data.token);
    await standin.join((await api("POST", "/api/v1/apps/live/tokens", { room: "main", identity: "qc", hidden: true })).body.data.token);
    const streams = (await api("GET", "/api/v1/apps/live/streams")).body.data;
    expect(streams).toEqual([expect.objectContaining({ streamId: "live-main/host", viewers: 1, status: "active" })]);
    expect((await api("GET", "/api/v1/tenants/studio/usage")).body.data.usage.concurrentStreams).toBe(1);

    await standin.leave("live-main", "host");
    expect((await api("GET", "/api/v1/apps/live/streams")).body.data).toEqual([]);
    expect((await api("GET", "/api/v1/tenants/studio/usage")).body.data.usage.concurrentStreams).toBe(0);

    for (const json of [{ inputType: "rtmp", room: "in" }, { inputType: "whip", room: "in", participantIdentity: "whip" }, { inputType: "url", room: "in", url: "https://example.com/a.m3u8", participantIdentity: "pull" }]) {
      const made = await api("POST", "/api/v1/apps/live/ingress", json);
      expect(made.status).toBe(201);
      expect(standin.ingresses.get(made.body.data.ingressId)?.roomName).toBe("live-in");
    }
  });
});
