// Against the real LiveKit server, with Chromium publishing a fake camera and
// two pages watching it: the session report and minute series that LiveKit's
// own webhooks produce, as a new user would read them after the stream ends.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPage, type PageServer } from "./browser.ts";
import { call, until as waitUntil, type RunningStreamHub } from "./harness.ts";
import { startMediaStack, type MediaStack } from "./media-stack.ts";

const TOKEN = "sk_analytics_media_token_0123456789abcdefghij";
const MEDIA_TIMEOUT_MS = 20_000;

let stack: MediaStack;
let node: RunningStreamHub;
let pages: PageServer;
let browser: Browser;

beforeAll(async () => {
  stack = await startMediaStack({ STREAMHUB_API_TOKEN: TOKEN });
  ({ node, pages, browser } = stack);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: TOKEN, json });
const until = <T,>(what: string, read: () => Promise<T>, done: (value: T) => boolean) => waitUntil(what, read, done, { timeoutMs: MEDIA_TIMEOUT_MS, context: () => stack.logs() });
const publish = (on: Page, token: { token: string; wsUrl: string }) =>
  on.evaluate(([url, jwt]) => (globalThis as any).publish(url, jwt) as Promise<{ identity: string; room: string }>, [token.wsUrl, token.token] as const);
const watch = (on: Page, token: { token: string; wsUrl: string }) =>
  on.evaluate(([url, jwt, timeout]) => (globalThis as any).watch(url, jwt, timeout) as Promise<{ firstFrameMs: number; identity: string }>, [token.wsUrl, token.token, MEDIA_TIMEOUT_MS] as const);

describe("against the real LiveKit server: analytics history", () => {
  it("a stream watched by two viewers reports peak 2, two unique viewers and its watch minutes, and the minute series shows them", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "rating" })).status).toBe(201);
    const startedAt = Date.now();
    const host = await openPage(browser, pages);
    await publish(host, (await api("POST", "/api/v1/apps/rating/tokens", { room: "main", identity: "host" })).body.data);

    const viewers = [await openPage(browser, pages), await openPage(browser, pages)];
    await watch(viewers[0]!, (await call(node.url, "GET", "/api/v1/apps/rating/play-token/main")).body.data);
    await watch(viewers[1]!, (await api("POST", "/api/v1/apps/rating/tokens", { room: "main", identity: "fan", canPublish: false })).body.data);
    await until("the stream listed with two viewers", async () => (await api("GET", "/api/v1/apps/rating/streams")).body.data, (list: any[]) => list[0]?.viewers === 2);
    // Watched for a few seconds by both.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    await host.evaluate(() => (globalThis as any).leave());
    const sessionsPath = `/api/v1/apps/rating/streams/${encodeURIComponent("rating-main/host")}/sessions`;
    const [report] = await until("the session ended", async () => (await api("GET", sessionsPath)).body.data, (list: any[]) => list[0]?.status === "ended");
    expect(report).toMatchObject({ streamId: "rating-main/host", type: "webrtc", peakViewers: 2, uniqueViewers: 2 });
    expect(report.watchMinutes).toBeGreaterThanOrEqual(0.09);

    // From the minute it started to now (the stream may have run across the end of an hour).
    const points = (await api("GET", `/api/v1/apps/rating/analytics?from=${new Date(startedAt).toISOString()}&to=${new Date(Date.now() + 1).toISOString()}`)).body.data.points;
    expect(Math.max(...points.map((p: { viewers: number }) => p.viewers))).toBe(2);
    expect(Math.max(...points.map((p: { publishers: number }) => p.publishers))).toBe(1);
    for (const page of [host, ...viewers]) await page.close();
  });
});
