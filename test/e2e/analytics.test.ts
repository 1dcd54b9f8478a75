// Analytics history as a new user meets it, on StreamHub started as `npm start`
// does, with the LiveKit stand-in posting its signed webhooks over HTTP: a
// stream with two viewers, its session report, the minute series of that
// hour, both still there after workerd is killed and started again on the
// same DATA_DIR; and a stalled ingest reported by `stream.health_changed`
// through the outbox to a verifying receiver.
import { IngressState, IngressState_Status, InputVideoState } from "@livekit/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveKitStandin } from "../livekit/standin.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../webhooks/receiver.ts";
import { call, removeDataDir, startStreamHub, tempDataDir, until, type RunningStreamHub } from "./harness.ts";

const KEY = "APIe2eanalytics";
const SECRET = "e2e-analytics-secret-0123456789abcdef0123";
const TOKEN = "sk_analytics_e2e_token_0123456789abcdefghij";
const HOUR_MS = 3_600_000;

let standin: LiveKitStandin;
let receiver: WebhookReceiver;
let dataDir: string;
let node: RunningStreamHub;

const start = async () => {
  node = await startStreamHub({ dataDir, env: { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: standin.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET, STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "1" } });
  standin.setWebhookUrl(`${node.url}/api/v1/webhooks/livekit`);
};

beforeAll(async () => {
  standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET });
  await standin.listen();
  receiver = await startWebhookReceiver();
  dataDir = tempDataDir();
  await start();
});
afterAll(async () => {
  await node.stop();
  removeDataDir(dataDir);
  await standin.close();
  await receiver.close();
});

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: TOKEN, json });
const iso = (ms: number) => new Date(ms).toISOString();

describe("against the LiveKit stand-in: analytics history on a running node", () => {
  it("reports a stream with two viewers (peak 2, watch minutes) and its minute series, and keeps both across kill -9", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "history" })).status).toBe(201);
    const startedAt = Date.now();
    const publisher = (await api("POST", "/api/v1/apps/history/tokens", { room: "show", identity: "host" })).body.data;
    await standin.join(publisher.token);
    await standin.publish("history-show", "host");
    await standin.join((await api("POST", "/api/v1/apps/history/tokens", { room: "show", identity: "fan", canPublish: false })).body.data.token);
    await standin.join((await call(node.url, "GET", "/api/v1/apps/history/play-token/show")).body.data.token);
    expect((await api("GET", "/api/v1/apps/history/streams")).body.data).toEqual([expect.objectContaining({ streamId: "history-show/host", viewers: 2 })]);
    // Two viewers watch for three seconds: 0.1 watch minutes.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await standin.leave("history-show", "host");

    const sessionsPath = `/api/v1/apps/history/streams/${encodeURIComponent("history-show/host")}/sessions`;
    const sessions = (await api("GET", sessionsPath)).body;
    expect(sessions).toMatchObject({ total: 1, error: null });
    const report = sessions.data[0];
    expect(report).toMatchObject({ status: "ended", peakViewers: 2, uniqueViewers: 2 });
    expect(report.watchMinutes).toBeGreaterThanOrEqual(0.09);
    expect(report.watchMinutes).toBeLessThan(0.5);
    expect(report.durationS).toBeGreaterThanOrEqual(3);

    const hour = Math.floor(startedAt / HOUR_MS) * HOUR_MS;
    const seriesPath = `/api/v1/apps/history/analytics?from=${iso(hour)}&to=${iso(hour + HOUR_MS)}&resolution=minute`;
    const series = (await api("GET", seriesPath)).body.data;
    expect(series.points).toHaveLength(60);
    expect(Math.max(...series.points.map((p: { viewers: number }) => p.viewers))).toBe(2);
    const csv = (await call(node.url, "GET", `${seriesPath}&format=csv`, { token: TOKEN })).body as string;

    await node.kill9();
    await start();

    expect((await api("GET", sessionsPath)).body).toEqual(sessions);
    expect((await api("GET", seriesPath)).body.data).toEqual(series);
    expect((await call(node.url, "GET", seriesPath, { token: TOKEN, headers: { Accept: "text/csv" } })).body).toBe(csv);
  });

  it("tells a webhook endpoint when an ingest stops sending and when it recovers (stream.health_changed)", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "health" })).status).toBe(201);
    const endpoint = (await api("POST", "/api/v1/apps/health/webhooks", { url: `${receiver.url}/r/health`, events: ["stream.health_changed"] })).body.data;
    await fetch(`${receiver.url}/_config/health`, { method: "POST", body: JSON.stringify({ secrets: [endpoint.secret] }) });
    const ingress = (await api("POST", "/api/v1/apps/health/ingress", { inputType: "rtmp", room: "studio" })).body.data;
    await standin.startIngress(ingress.ingressId);

    const info = standin.ingresses.get(ingress.ingressId)!;
    const report = async (status: IngressState_Status, bitrate: number) => {
      info.state = new IngressState({ ...info.state, status, video: new InputVideoState({ averageBitrate: bitrate }) });
      await standin.emit("ingress_updated", { ingressInfo: info });
    };
    await report(IngressState_Status.ENDPOINT_PUBLISHING, 2_500_000);
    await report(IngressState_Status.ENDPOINT_BUFFERING, 0);
    await report(IngressState_Status.ENDPOINT_PUBLISHING, 3_000_000);

    const received = await until(
      "two stream.health_changed deliveries",
      async () => (await (await fetch(`${receiver.url}/_received/health`)).json()) as { body: string; verified: boolean }[],
      (deliveries) => deliveries.length >= 2,
    );
    expect(received.every((delivery) => delivery.verified)).toBe(true);
    expect(received.map((delivery) => JSON.parse(delivery.body))).toEqual([
      expect.objectContaining({ type: "stream.health_changed", data: expect.objectContaining({ streamId: "health-studio/ingress-health", type: "rtmp", health: "stalled", previous: "healthy", reason: "ingress_buffering" }) }),
      expect.objectContaining({ type: "stream.health_changed", data: expect.objectContaining({ health: "healthy", previous: "stalled", reason: "recovered" }) }),
    ]);
    const session = (await api("GET", `/api/v1/apps/health/streams/${encodeURIComponent("health-studio/ingress-health")}/sessions`)).body.data[0];
    expect(session).toMatchObject({ status: "live", health: "healthy", ingestKbps: 3_000 });
    await standin.stopIngress(ingress.ingressId);
  });
});
