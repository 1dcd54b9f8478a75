// The "done when", with the real LiveKit server: Chromium publishes a
// fake camera through a StreamHub join token, two other pages watch with
// public play tokens, and LiveKit's own signed webhooks drive what /metrics
// shows under the original StreamHub names.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPage } from "./browser.ts";
import { call, until } from "./harness.ts";
import { startMediaStack, type MediaStack } from "./media-stack.ts";

const TOKEN = "sk_metrics_media_token_0123456789abcdefghijk";
const METRICS_TOKEN = "media-metrics-token-0123456789";
const MEDIA_TIMEOUT_MS = 20_000;

let stack: MediaStack;

beforeAll(async () => {
  stack = await startMediaStack({ STREAMHUB_API_TOKEN: TOKEN, METRICS_TOKEN });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

const api = (method: string, path: string, json?: unknown) => call(stack.node.url, method, path, { token: TOKEN, json });
const scrape = async () => (await fetch(`${stack.node.url}/metrics?token=${METRICS_TOKEN}`)).text();
const publish = (on: Page, token: { token: string; wsUrl: string }) =>
  on.evaluate(([url, jwt]) => (globalThis as any).publish(url, jwt) as Promise<{ identity: string; room: string }>, [token.wsUrl, token.token] as const);
const watch = (on: Page, token: { token: string; wsUrl: string }) =>
  on.evaluate(([url, jwt, timeout]) => (globalThis as any).watch(url, jwt, timeout) as Promise<{ firstFrameMs: number }>, [token.wsUrl, token.token, MEDIA_TIMEOUT_MS] as const);

describe("against the real LiveKit server: /metrics", () => {
  it("shows a live stream and its two viewers under the original names, then the stream's end", async () => {
    expect((await api("POST", "/api/v1/tenants", { id: "watchers", name: "Watchers" })).status).toBe(201);
    expect((await api("POST", "/api/v1/apps", { name: "arena", tenantId: "watchers" })).status).toBe(201);
    const host = await openPage(stack.browser, stack.pages);
    expect(await publish(host, (await api("POST", "/api/v1/apps/arena/tokens", { room: "main", identity: "host" })).body.data)).toEqual({ identity: "host", room: "arena-main" });
    for (let i = 0; i < 2; i++) {
      const viewer = await openPage(stack.browser, stack.pages);
      expect((await watch(viewer, (await call(stack.node.url, "GET", "/api/v1/apps/arena/play-token/main")).body.data)).firstFrameMs).toBeGreaterThan(0);
    }

    const labels = 'app="arena",tenant="watchers"';
    // The tenant's usage comes from its quota ledger's own report, not with the app's: wait for both.
    const usage = `streamhub_tenant_usage{tenant="watchers",metric="maxConcurrentStreams"} 1\n`;
    const text = await until("/metrics to show the stream, two viewers and the tenant's usage", scrape, (body) => body.includes(`streamhub_viewers{${labels}} 2\n`) && body.includes(usage), {
      timeoutMs: MEDIA_TIMEOUT_MS,
      context: stack.logs,
    });
    expect(text).toContain(`streamhub_active_streams{${labels}} 1\n`);
    expect(text).toContain(`streamhub_stream_events_total{${labels},event="stream_started"} 1\n`);
    expect(text).toContain("streamhub_livekit_up 1\n");

    await host.close();
    const ended = await until("/metrics to show the stream's end", scrape, (body) => body.includes(`streamhub_active_streams{${labels}} 0\n`), { timeoutMs: MEDIA_TIMEOUT_MS, context: stack.logs });
    expect(ended).toContain(`streamhub_stream_events_total{${labels},event="stream_ended"} 1\n`);
  });
});
