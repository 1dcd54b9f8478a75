// Against the real LiveKit server (built from its pinned Go module), with
// Debian's Chromium publishing a fake camera and microphone through
// livekit-client and watching in other pages: StreamHub's tokens, LiveKit's
// own signed webhooks, the live state, quotas, outbound webhooks and stream
// control, as a user meets them. Every wait is on something observable, with
// a bound and a message saying what was expected and what was seen.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { startWebhookReceiver, type WebhookReceiver } from "../webhooks/receiver.ts";
import { openPage, type PageServer } from "./browser.ts";
import { call, freePort, removeDataDir, startStreamHub, tempDataDir, until as waitUntil, type RunningStreamHub } from "./harness.ts";
import { startMediaStack, type MediaStack } from "./media-stack.ts";
import { startRealLiveKit, type RealLiveKit } from "./real-livekit.ts";

const TOKEN = "sk_media_e2e_token_0123456789abcdefghijklmnop";
const MEDIA_TIMEOUT_MS = 20_000;

let livekit: RealLiveKit;
let node: RunningStreamHub;
let receiver: WebhookReceiver;
let pages: PageServer;
let browser: Browser;
let stack: MediaStack;
const opened: Page[] = [];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  stack = await startMediaStack({ STREAMHUB_API_TOKEN: TOKEN, STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "1" });
  ({ livekit, node, pages, browser } = stack);
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: TOKEN, json });

async function page(): Promise<Page> {
  const opened_ = await openPage(browser, pages);
  opened.push(opened_);
  return opened_;
}

/** Waits on something observable; a failure says what LiveKit logged too. */
const until = <T,>(what: string, read: () => Promise<T>, done: (value: T) => boolean) =>
  waitUntil(what, read, done, { timeoutMs: MEDIA_TIMEOUT_MS, context: () => `LiveKit said:\n${livekit.output().slice(-2000)}` });

const publish = (on: Page, token: { token: string; wsUrl: string }) =>
  on.evaluate(([url, jwt]) => (globalThis as any).publish(url, jwt) as Promise<{ identity: string; room: string }>, [token.wsUrl, token.token] as const);
const watch = (on: Page, token: { token: string; wsUrl: string }) =>
  on.evaluate(([url, jwt, timeout]) => (globalThis as any).watch(url, jwt, timeout) as Promise<{ firstFrameMs: number; identity: string }>, [token.wsUrl, token.token, MEDIA_TIMEOUT_MS] as const);
const framesDecoded = (on: Page) => on.evaluate(() => (globalThis as any).framesDecoded() as Promise<number>);
const pageEvents = (on: Page) => on.evaluate(() => (globalThis as any).events as { type: string; reason?: number }[]);
const received = async (inbox: string) => (await (await fetch(`${receiver.url}/_received/${inbox}`)).json()) as { body: string; verified: boolean }[];

describe("against the real LiveKit server: media from a browser, through StreamHub", () => {
  it("a join token publishes camera and mic; a public play token plays real frames; the stream, its viewer, the quota and signed webhooks follow", async () => {
    expect((await api("POST", "/api/v1/tenants", { id: "media", name: "Media", quotas: { maxConcurrentStreams: 2 } })).status).toBe(201);
    expect((await api("POST", "/api/v1/apps", { name: "studio", tenantId: "media" })).status).toBe(201);
    const endpoint = (await api("POST", "/api/v1/apps/studio/webhooks", { url: `${receiver.url}/r/studio`, events: ["stream_started", "stream_ended"] })).body.data;
    await fetch(`${receiver.url}/_config/studio`, { method: "POST", body: JSON.stringify({ secrets: [endpoint.secret] }) });

    const join = (await api("POST", "/api/v1/apps/studio/tokens", { room: "main", identity: "host" })).body.data;
    expect(join.wsUrl).toBe(livekit.url);
    const host = await page();
    expect(await publish(host, join)).toEqual({ identity: "host", room: "studio-main" });

    const play = (await call(node.url, "GET", "/api/v1/apps/studio/play-token/main")).body.data;
    const viewer = await page();
    const watched = await watch(viewer, play);
    expect(watched.firstFrameMs).toBeGreaterThan(0);
    // Frames keep being decoded, not just one.
    const first = await framesDecoded(viewer);
    await until("more frames decoded at the viewer", () => framesDecoded(viewer), (n) => n > first + 5);

    // LiveKit's own webhooks drove the live state: the stream, with the play-token viewer counted.
    const streams = await until(
      "the stream listed with one viewer",
      async () => (await api("GET", "/api/v1/apps/studio/streams")).body.data,
      (list: any[]) => list.length === 1 && list[0].viewers === 1,
    );
    expect(streams[0]).toMatchObject({ streamId: "studio-main/host", type: "webrtc", participant: "host", status: "active" });
    expect((await api("GET", "/api/v1/tenants/media/usage")).body.data.usage.concurrentStreams).toBe(1);

    // The publisher leaves: the stream ends, its quota slot is released, both events are delivered and verify.
    await host.evaluate(() => (globalThis as any).leave());
    await until("no stream listed", async () => (await api("GET", "/api/v1/apps/studio/streams")).body.data, (list: any[]) => list.length === 0);
    await until("the quota slot released", async () => (await api("GET", "/api/v1/tenants/media/usage")).body.data.usage.concurrentStreams, (n) => n === 0);
    const deliveries = await until("stream_started and stream_ended delivered", () => received("studio"), (list) => list.length >= 2);
    expect(deliveries.every((d) => d.verified)).toBe(true);
    expect(deliveries.map((d) => JSON.parse(d.body).type)).toEqual(["stream_started", "stream_ended"]);
    expect(JSON.parse(deliveries[0]!.body).data).toMatchObject({ streamId: "studio-main/host", room: "studio-main" });
  });

  it("DELETE …/streams/{id} removes the publisher from the LiveKit room: its page sees itself disconnected", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "control" })).status).toBe(201);
    const host = await page();
    await publish(host, (await api("POST", "/api/v1/apps/control/tokens", { room: "talk", identity: "speaker" })).body.data);
    await until("the stream listed", async () => (await api("GET", "/api/v1/apps/control/streams")).body.data, (list: any[]) => list.length === 1);

    expect((await api("DELETE", `/api/v1/apps/control/streams/${encodeURIComponent("control-talk/speaker")}`)).status).toBe(204);
    const events = await until("the publisher page disconnected", () => pageEvents(host), (list) => list.some((e) => e.type === "disconnected"));
    // livekit-client's DisconnectReason.PARTICIPANT_REMOVED.
    expect(events.find((e) => e.type === "disconnected")?.reason).toBe(4);
    await until("no stream listed", async () => (await api("GET", "/api/v1/apps/control/streams")).body.data, (list: any[]) => list.length === 0);
  });

  it("the real server refuses what our grants do not allow: an expired token, another room, publishing without canPublish", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "grants" })).status).toBe(201);
    const joinFails = (on: Page, token: string) =>
      on.evaluate(async ([url, jwt]) => {
        try {
          await (globalThis as any).publish(url, jwt);
          return "joined";
        } catch (error) {
          return String((error as Error).message ?? error);
        }
      }, [livekit.url, token] as const);

    // A token like ours whose lifetime is over: LiveKit says no (and yes to the same token still valid).
    const now = Math.floor(Date.now() / 1000);
    const signed = (identity: string, exp: number) =>
      new SignJWT({ video: { roomJoin: true, room: "grants-main", canPublish: true, canSubscribe: true } })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer(livekit.apiKey)
        .setSubject(identity)
        .setNotBefore(now - 3600)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(livekit.apiSecret));
    expect(await joinFails(await page(), await signed("late", now - 60))).not.toBe("joined");
    expect(await joinFails(await page(), await signed("timely", now + 600))).toBe("joined");

    // A token of this app names this app's room, whatever room the caller asked for.
    const other = (await api("POST", "/api/v1/apps/grants/tokens", { room: "control-talk", identity: "intruder" })).body.data;
    expect(other.room).toBe("grants-control-talk");
    const intruder = await page();
    expect(await publish(intruder, other)).toEqual({ identity: "intruder", room: "grants-control-talk" });

    // Subscribe-only: joining works, publishing is refused by LiveKit, and no stream appears.
    const fan = (await api("POST", "/api/v1/apps/grants/tokens", { room: "main", identity: "fan", canPublish: false })).body.data;
    const fanPage = await page();
    const outcome = await joinFails(fanPage, fan.token);
    expect(outcome).not.toBe("joined");
    expect(outcome.toLowerCase()).toMatch(/permission|not allowed|insufficient/);
    // Once LiveKit's webhooks have brought the intruder's stream (published before), the fan's would be there too.
    const listed = await until("the intruder's stream listed", async () => (await api("GET", "/api/v1/apps/grants/streams")).body.data as { participant: string }[], (list) => list.some((s) => s.participant === "intruder"));
    expect(listed.map((s) => s.participant)).not.toContain("fan");
  });

  it("time from join to the first decoded frame at a viewer, median of 10 (reported, not asserted)", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "timing" })).status).toBe(201);
    const host = await page();
    await publish(host, (await api("POST", "/api/v1/apps/timing/tokens", { room: "clock", identity: "host" })).body.data);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const viewer = await page();
      times.push((await watch(viewer, (await call(node.url, "GET", "/api/v1/apps/timing/play-token/clock")).body.data)).firstFrameMs);
      await viewer.context().close();
    }
    times.sort((a, b) => a - b);
    const median = (times[4]! + times[5]!) / 2;
    console.log(`join → first decoded frame at a viewer: median ${Math.round(median)} ms of 10 (${times.map(Math.round).join(", ")} ms)`);
    expect(times).toHaveLength(10);
  });
});

describe("against the real LiveKit server, with its webhooks lost: reconciliation heals", () => {
  it("a publisher who joined while StreamHub was down shows up from LiveKit's room list, without any webhook", async () => {
    // This LiveKit posts its webhooks to a port nothing listens on: StreamHub can only learn from its room list.
    const deaf = await startRealLiveKit({ webhookUrl: `http://127.0.0.1:${await freePort()}/nowhere` });
    const dataDir = tempDataDir();
    const env = { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: deaf.url, LIVEKIT_API_KEY: deaf.apiKey, LIVEKIT_API_SECRET: deaf.apiSecret };
    let running = await startStreamHub({ dataDir, env });
    try {
      expect((await call(running.url, "POST", "/api/v1/apps", { token: TOKEN, json: { name: "healed" } })).status).toBe(201);
      const join = (await call(running.url, "POST", "/api/v1/apps/healed/tokens", { token: TOKEN, json: { room: "late", identity: "host" } })).body.data;
      await running.stop();

      const host = await page();
      await publish(host, join);
      running = await startStreamHub({ dataDir, env });
      const restarted = running;
      await waitUntil(
        "the stream found by reconciliation",
        async () => (await call(restarted.url, "GET", "/api/v1/apps/healed/streams", { token: TOKEN })).body.data,
        (list: any[]) => list.length === 1 && list[0].streamId === "healed-late/host",
        { context: () => `StreamHub said:\n${restarted.output().slice(-3000)}` },
      );
    } finally {
      await running.stop();
      removeDataDir(dataDir);
      await deaf.close();
    }
  });
});
