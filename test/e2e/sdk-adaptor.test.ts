// streamhub-adaptor as pages written for the original StreamHub SDK (and Ant
// Media's WebRTCAdaptor before it) use it: loaded with a <script> tag from
// StreamHub's /sdk/ into a page on another origin, publishing Chromium's fake
// camera and microphone through the real LiveKit server (built from its
// pinned Go module) and playing them in another page. Every wait is on
// something the pages or StreamHub report, with a bound and a message saying
// what was expected and what was seen.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";
import { call, freePort, removeDataDir, startStreamHub, until, type RunningStreamHub } from "./harness.ts";
import { startRealLiveKit, type RealLiveKit } from "./real-livekit.ts";
import { openSdkPage, pageRecord, startSdkPageServer, type PageRecord, type SdkPageServer } from "./sdk-pages.ts";

const TOKEN = "sk_sdk_adaptor_e2e_token_0123456789abcdefghij";
const WAIT_MS = 20_000;

let livekit: RealLiveKit;
let node: RunningStreamHub;
let pages: SdkPageServer;
let browser: Browser;
let streamhub: string;
let port: number;

beforeAll(async () => {
  port = await freePort();
  streamhub = `http://127.0.0.1:${port}`;
  livekit = await startRealLiveKit({ webhookUrl: `${streamhub}/api/v1/webhooks/livekit` });
  pages = await startSdkPageServer(streamhub);
  node = await startStreamHub({
    port,
    env: { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: livekit.apiKey, LIVEKIT_API_SECRET: livekit.apiSecret, CORS_ALLOWED_ORIGINS: pages.origin },
  });
  browser = await launchChromium();
  expect((await api("POST", "/api/v1/apps", { name: "shop" })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await node?.stop();
  if (node) removeDataDir(node.dataDir);
  await livekit?.close();
});

const api = (method: string, path: string, json?: unknown) => call(streamhub, method, path, { token: TOKEN, json });
const streams = async () => (await api("GET", "/api/v1/apps/shop/streams")).body.data as { streamId: string }[];

/** What a page reported, briefly, for failure messages. */
function summary(record: PageRecord | undefined): string {
  if (!record) return "nothing (the page could not be read)";
  const events = record.events.map((e) => (e.obj && typeof e.obj === "object" && "streamId" in e.obj ? `${e.info}(${e.obj.streamId})` : e.info));
  return JSON.stringify({ events, errors: record.errors, requests: record.requests.map((r) => `${r.method} ${r.url}`), presented: record.presented });
}

/** Waits until what a page reported satisfies `done`; a failure says what the page and LiveKit reported instead. */
async function waitFor(on: Page, label: string, what: string, done: (record: PageRecord) => boolean): Promise<PageRecord> {
  let last: PageRecord | undefined;
  try {
    return await until(what, async () => (last = await pageRecord(on)), done, { timeoutMs: WAIT_MS });
  } catch (error) {
    // until's own message would print the whole record; anything else (the page crashed) is said as it is.
    const message = (error as Error).message;
    const cause = message.startsWith(`expected ${what} within`) ? "" : ` (${message.split("\n")[0]})`;
    throw new Error(`expected ${what} at the ${label} within ${WAIT_MS} ms${cause}; the page reported ${summary(last)}\nLiveKit said:\n${livekit.output().slice(-1500)}`);
  }
}

const reported = (record: PageRecord, info: string, streamId?: string) => record.events.filter((e) => e.info === info && (streamId === undefined || e.obj?.streamId === streamId));

/** Polls a value read in a page until `done`, with a message naming it. */
const waitForValue = <T,>(what: string, read: () => Promise<T>, done: (value: T) => boolean) => until(what, read, done, { timeoutMs: WAIT_MS });

const getStats = (on: Page, streamId: string) => on.evaluate((id) => (globalThis as any).adaptor.getStats(id), streamId);

/**
 * Builds `window.adaptor` in a page as a page's own script does: the options
 * as given (a selector given for localVideoElement or remoteVideoElement
 * becomes the element), callbacks that record, and on `initialized` the page
 * publishes or plays its stream.
 */
const startAdaptor = (on: Page, options: Record<string, unknown>, onInitialized: readonly ["publish" | "play", string]) =>
  on.evaluate(
    ([given, [method, streamId]]) => {
      const w = globalThis as any;
      const config: Record<string, unknown> = { ...given };
      for (const key of ["localVideoElement", "remoteVideoElement"]) if (typeof config[key] === "string") config[key] = w.document.querySelector(config[key]);
      w.adaptor = new w.webrtc_adaptor.WebRTCAdaptor({
        ...config,
        callback: (info: string, obj: unknown) => {
          w.onEvent(info, obj);
          if (info === "initialized") w.adaptor[method](streamId);
        },
        callbackError: w.onError,
      });
    },
    [options, onInitialized] as const,
  );

let publisher: Page;
let player: Page;

describe("against the real LiveKit server: streamhub-adaptor in pages written for the original SDK", () => {
  it("a page built as the original's docs show (websocket_url + streamhubApiToken) previews and publishes the fake camera: initialized, then publish_started; StreamHub lists the stream", async () => {
    publisher = await openSdkPage(browser, pages);
    await startAdaptor(
      publisher,
      { websocket_url: `ws://127.0.0.1:${port}/shop/websocket`, streamhubApiToken: TOKEN, localVideoId: "local", mediaConstraints: { video: true, audio: true } },
      ["publish", "cam1"],
    );

    const record = await waitFor(publisher, "publisher", "publish_started for cam1", (r) => reported(r, "publish_started", "cam1").length > 0 || r.errors.length > 0);
    expect(record.errors).toEqual([]);
    const names = record.events.map((e) => e.info);
    expect(names.indexOf("initialized")).toBeGreaterThanOrEqual(0);
    expect(names.indexOf("initialized")).toBeLessThan(names.indexOf("publish_started"));
    // One token request, to the endpoint derived from websocket_url, with API.md §7's body — cross-origin, so CORS let it through.
    expect(record.requests).toEqual([{ url: `${streamhub}/api/v1/apps/shop/tokens`, method: "POST", body: { room: "cam1", identity: "cam1", canPublish: true, canSubscribe: true } }]);

    await waitFor(publisher, "publisher", "the local preview presenting frames", (r) => r.presented.local > 10);
    // LiveKit's own webhooks told StreamHub.
    await waitForValue("StreamHub listing the stream shop-cam1/cam1", streams, (list) => list.some((s) => s.streamId === "shop-cam1/cam1"));
  });

  it("a play-mode page (streamhubApiUrl + appName) gets play_started and its remote video element presents the publisher's frames", async () => {
    player = await openSdkPage(browser, pages);
    await startAdaptor(player, { streamhubApiUrl: `${streamhub}/api/v1`, appName: "shop", streamhubApiToken: TOKEN, isPlayMode: true, remoteVideoId: "remote" }, ["play", "cam1"]);

    const started = await waitFor(player, "player", "play_started for cam1", (r) => reported(r, "play_started", "cam1").length > 0 || r.errors.length > 0);
    expect(started.errors).toEqual([]);
    expect(started.requests).toHaveLength(1);
    expect(started.requests[0]).toMatchObject({ url: `${streamhub}/api/v1/apps/shop/tokens`, method: "POST", body: { room: "cam1", canPublish: false, canSubscribe: true } });
    expect(started.requests[0]!.body.identity).toMatch(/^viewer-/);
    // The tracks were announced as the original (and Ant Media) announce them: each
    // as it arrives, so the second may come after play_started (which the first sets off).
    expect(reported(started, "newStreamAvailable", "cam1").length).toBeGreaterThan(0);
    const announced = await waitFor(player, "player", "newStreamAvailable for both tracks of cam1", (r) => reported(r, "newStreamAvailable", "cam1").length >= 2);
    expect(reported(announced, "newStreamAvailable", "cam1").map((e) => e.obj.kind).sort()).toEqual(["audio", "video"]);
    expect(reported(announced, "newStreamAvailable", "cam1")[0]!.obj).toMatchObject({ trackId: "ARDAMSxcam1", track: "[MediaStreamTrack]", stream: "[MediaStream]" });

    // Frames are decoded and presented, and keep coming.
    const first = (await waitFor(player, "player", "the remote video presenting frames", (r) => r.presented.remote > 0)).presented.remote;
    await waitFor(player, "player", `30 more frames presented after the first ${first}`, (r) => r.presented.remote >= first + 30);
    const quality = await player.evaluate(() => (globalThis as any).document.getElementById("remote").getVideoPlaybackQuality().totalVideoFrames as number);
    expect(quality).toBeGreaterThan(30);
  });

  it("getStats resolves with sent and received figures that grow: bytes, frames encoded and decoded, bitrate, resolution", async () => {
    const sent = await getStats(publisher, "cam1");
    expect(sent).toMatchObject({ streamId: "cam1" });
    expect(sent.totalBytesSentCount).toBeGreaterThan(0);
    expect(sent.totalFramesEncodedCount).toBeGreaterThan(0);
    expect(sent.frameWidth).toBeGreaterThan(0);
    expect(sent.frameHeight).toBeGreaterThan(0);
    const sentLater = await waitForValue(
      "the publisher's bytes sent and frames encoded to grow",
      () => getStats(publisher, "cam1"),
      (s) => s.totalBytesSentCount > sent.totalBytesSentCount && s.totalFramesEncodedCount > sent.totalFramesEncodedCount,
    );
    expect(sentLater.currentOutgoingBitrate).toBeGreaterThan(0);
    expect(sentLater.totalVideoPacketsSent).toBeGreaterThan(0);
    expect(sentLater.totalAudioPacketsSent).toBeGreaterThan(0);

    const received = await getStats(player, "cam1");
    expect(received.framesDecoded).toBeGreaterThan(0);
    expect(received.totalBytesReceivedCount).toBeGreaterThan(0);
    expect(received.inboundRtpList.map((t: { kind: string; streamId: string }) => `${t.kind}:${t.streamId}`).sort()).toEqual(["audio:cam1", "video:cam1"]);
    const receivedLater = await waitForValue(
      "the player's frames decoded and bytes received to grow",
      () => getStats(player, "cam1"),
      (s) => s.framesDecoded > received.framesDecoded && s.totalBytesReceivedCount > received.totalBytesReceivedCount,
    );
    expect(receivedLater.currentIncomingBitrate).toBeGreaterThan(0);
    expect(receivedLater.frameWidth).toBeGreaterThan(0);
    expect(receivedLater.frameHeight).toBeGreaterThan(0);
    // Reported as Ant Media reports it, too.
    expect(reported(await pageRecord(player), "updated_stats").length).toBeGreaterThan(0);
  });

  it("sendData reaches the other side as data_received, both ways", async () => {
    await publisher.evaluate(() => (globalThis as any).adaptor.sendData("cam1", "hello viewers"));
    const atPlayer = await waitFor(player, "player", "data_received from cam1", (r) => reported(r, "data_received").length > 0);
    expect(reported(atPlayer, "data_received")[0]!.obj).toMatchObject({ streamId: "cam1", data: "hello viewers", event: { data: "hello viewers" } });

    // A sender the publisher's room does not know yet reaches it without a name: send once it knows the viewer.
    await waitForValue("the viewer known in the publisher's room", () => publisher.evaluate(() => (globalThis as any).adaptor.room.remoteParticipants.size as number), (n) => n > 0);
    await player.evaluate(() => (globalThis as any).adaptor.sendData("cam1", { chat: "hi" }));
    const atPublisher = await waitFor(publisher, "publisher", "data_received from the viewer", (r) => reported(r, "data_received").length > 0);
    expect(reported(atPublisher, "data_received")[0]!.obj).toMatchObject({ data: '{"chat":"hi"}' });
    expect(reported(atPublisher, "data_received")[0]!.obj.streamId).toMatch(/^viewer-/);
  });

  it("stop on the publisher: publish_finished there; play_finished at the player, through its callback and a listener added with addEventListener", async () => {
    await player.evaluate(() => {
      const w = globalThis as any;
      w.finished = [];
      w.adaptor.addEventListener("play_finished", (obj: { streamId: string }) => w.finished.push(obj.streamId));
    });
    await publisher.evaluate(() => (globalThis as any).adaptor.stop("cam1"));

    await waitFor(publisher, "publisher", "publish_finished for cam1", (r) => reported(r, "publish_finished", "cam1").length > 0);
    const record = await waitFor(player, "player", "play_finished for cam1", (r) => reported(r, "play_finished", "cam1").length > 0);
    expect(reported(record, "play_finished", "cam1")).toHaveLength(1);
    expect(await player.evaluate(() => (globalThis as any).finished)).toEqual(["cam1"]);
    expect(record.errors).toEqual([]);
    await waitForValue("StreamHub no longer listing the stream", streams, (list) => !list.some((s) => s.streamId === "shop-cam1/cam1"));
    // The view the player page had is reported to the app: its time to first media, its watch time, ended.
    const qoe = await waitForValue("the play view's final QoE report", async () => (await api("GET", "/api/v1/apps/shop/qoe")).body.data, (data: any) => data?.views?.some((v: any) => v.room === "cam1" && v.final));
    const view = qoe.views.find((v: any) => v.room === "cam1" && v.final);
    expect(view).toMatchObject({ path: "webrtc" });
    expect(view.firstFrameMs).toBeGreaterThan(0);
    expect(view.watchedMs).toBeGreaterThan(0);
  });

  it("a refused token request arrives via callbackError with a stable code and the server's own message: unknown app (404), wrong API token (401)", async () => {
    const page = await openSdkPage(browser, pages);
    const tokenBody = { room: "cam6", identity: "cam6", canPublish: true, canSubscribe: true };
    const unknownApp = (await call(streamhub, "POST", "/api/v1/apps/nosuch/tokens", { token: TOKEN, json: tokenBody })).body;
    const wrongToken = (await call(streamhub, "POST", "/api/v1/apps/shop/tokens", { token: "sk_not_a_token", json: tokenBody })).body;
    expect(unknownApp.error.message).toContain("nosuch");

    await page.evaluate(
      ([apiUrl, apiToken]) => {
        const w = globalThis as any;
        const common = { streamhubApiUrl: apiUrl, callback: w.onEvent, callbackError: w.onError };
        w.unknownApp = new w.webrtc_adaptor.WebRTCAdaptor({ ...common, appName: "nosuch", streamhubApiToken: apiToken, mediaConstraints: { video: true, audio: false } });
        w.unknownApp.publish("cam6");
        w.wrongToken = new w.webrtc_adaptor.WebRTCAdaptor({ ...common, appName: "shop", streamhubApiToken: "sk_not_a_token", isPlayMode: true });
        w.wrongToken.play("cam6");
      },
      [`${streamhub}/api/v1`, TOKEN] as const,
    );
    const record = await waitFor(page, "page", "two errors", (r) => r.errors.length >= 2);
    const byOperation = Object.fromEntries(record.errors.map((e) => [e.detail.operation, e]));
    expect(byOperation.publish).toMatchObject({ code: "token_request_failed", message: unknownApp.error.message, detail: { status: 404, serverCode: unknownApp.error.code, url: `${streamhub}/api/v1/apps/nosuch/tokens` } });
    expect(byOperation.play).toMatchObject({ code: "unauthorized_access", message: wrongToken.error.message, detail: { status: 401, serverCode: wrongToken.error.code } });
    expect(reported(record, "publish_started")).toEqual([]);
    expect(reported(record, "play_started")).toEqual([]);
  });

  it("a pre-minted token + wsUrl publishes, and a public play token + wsUrl plays real frames, without any token request from the pages", async () => {
    const join = (await api("POST", "/api/v1/apps/shop/tokens", { room: "cam7", identity: "cam7" })).body.data;
    const play = (await call(streamhub, "GET", "/api/v1/apps/shop/play-token/cam7")).body.data;
    expect(join.wsUrl).toBe(livekit.url);

    const host = await openSdkPage(browser, pages);
    await startAdaptor(host, { token: join.token, wsUrl: join.wsUrl, localVideoElement: "#local" }, ["publish", "cam7"]);
    expect((await waitFor(host, "publisher", "publish_started for cam7", (r) => reported(r, "publish_started", "cam7").length > 0 || r.errors.length > 0)).errors).toEqual([]);

    const viewer = await openSdkPage(browser, pages);
    await startAdaptor(viewer, { token: play.token, wsUrl: play.wsUrl, isPlayMode: true, remoteVideoElement: "#remote" }, ["play", "cam7"]);
    expect((await waitFor(viewer, "viewer", "play_started for cam7", (r) => reported(r, "play_started", "cam7").length > 0 || r.errors.length > 0)).errors).toEqual([]);
    const record = await waitFor(viewer, "viewer", "30 frames presented", (r) => r.presented.remote >= 30);
    expect(record.errors).toEqual([]);
    expect(record.requests).toEqual([]);
    expect((await pageRecord(host)).requests).toEqual([]);
    expect((await pageRecord(host)).errors).toEqual([]);
  });
});
