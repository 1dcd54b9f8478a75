// The player's fallback to live HLS, where WebRTC cannot work: StreamHub's
// LiveKit here is the stand-in, which speaks LiveKit's server API and writes
// real HLS (H.264/AAC made by ffmpeg) to the app's bucket like a segment
// egress, but has no media server — so every WebRTC connection fails, and the
// player must give up on it and play HLS through /hls/…, decoding frames.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";
import { call, until, type RunningStreamHub } from "./harness.ts";
import { startStandinStack, type StandinStack } from "./standin-stack.ts";

declare const document: any;
declare const performance: any;

const KEY = "APIe2ehls";
const SECRET = "e2e-hls-fallback-secret-0123456789abcdef";
const TOKEN = "sk_hls_e2e_token_0123456789abcdefghijklmnopq";
let stack: StandinStack;
let node: RunningStreamHub;
let browser: Browser;

beforeAll(async () => {
  stack = await startStandinStack({ token: TOKEN, apiKey: KEY, apiSecret: SECRET, bucket: "media" });
  node = stack.node;
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: TOKEN, json });
const context = () => node.output().slice(-2000);

/** A new app with its bucket, and a publisher "host" in its room "main" (in the stand-in; no HLS yet). */
async function appPublishing(app: string): Promise<void> {
  expect((await api("POST", "/api/v1/apps", { name: app })).status).toBe(201);
  expect((await api("PUT", `/api/v1/apps/${app}/s3`, stack.s3Settings())).status).toBe(200);
  const publisher = (await api("POST", `/api/v1/apps/${app}/tokens`, { room: "main", identity: "host" })).body.data;
  await stack.standin.join(publisher.token);
  await stack.standin.publish(`${app}-main`, "host");
}

const startHls = async (app: string) => expect((await api("POST", `/api/v1/apps/${app}/streams/${encodeURIComponent(`${app}-main/host`)}/hls/start`)).status).toBe(200);

/** The player's state, path and frames presented in a page. */
const playerView = (page: Page) =>
  page.evaluate(() => {
    const player = document.querySelector("streamhub-player");
    return { state: player.state as string, path: player.path as string, frames: player.video.getVideoPlaybackQuality().totalVideoFrames as number };
  });

/** The app's final QoE report of a view, once the page that played it is closed. */
async function finalReport(app: string): Promise<any> {
  const qoe = await until("the view's final QoE report", async () => (await api("GET", `/api/v1/apps/${app}/qoe`)).body.data, (data: any) => data?.views?.some((v: any) => v.final));
  return qoe.views.find((v: any) => v.final);
}

describe("against the LiveKit stand-in (no media server): the player falls back to live HLS", () => {
  it("gives up on WebRTC and plays the room's live HLS, decoding frames", async () => {
    await appPublishing("relay");
    await startHls("relay");

    const viewer = await browser.newPage();
    await viewer.goto(`${node.url}/embed/relay/main?autoplay=1&muted=1`);
    await until("the player playing HLS with frames", () => playerView(viewer), (v) => v.path === "hls" && v.state === "live" && v.frames > 5, { context });

    const [gaveUp, playing] = await viewer.evaluate(() => [performance.getEntriesByName("streamhub:webrtc-failed")[0]?.startTime, performance.getEntriesByName("streamhub:playing")[0]?.startTime]);
    expect(gaveUp).toBeGreaterThan(0);
    console.log(`HLS fallback: WebRTC given up at ${Math.round(gaveUp)} ms, HLS playing ${Math.round(playing - gaveUp)} ms later`);

    // The view's report says it played HLS, and that WebRTC failed first.
    await viewer.close({ runBeforeUnload: true });
    expect(await finalReport("relay")).toMatchObject({ room: "main", path: "hls", errors: ["webrtc_failed"] });
  });

  it("waits while the room has no live HLS, then plays it once it starts; time to first frame counts from the playlist's arrival", async () => {
    await appPublishing("later");

    const viewer = await browser.newPage();
    await viewer.goto(`${node.url}/embed/later/main?autoplay=1&muted=1&playOrder=hls`);
    await until("the player waiting for HLS", () => playerView(viewer), (v) => v.state === "waiting", { context });
    const waitedFrom = Date.now();
    await startHls("later");
    await until("the player playing HLS with frames", () => playerView(viewer), (v) => v.state === "live" && v.frames > 5, { context });
    const waitedMs = Date.now() - waitedFrom;

    await viewer.close({ runBeforeUnload: true });
    const final = await finalReport("later");
    expect(final).toMatchObject({ room: "main", path: "hls" });
    expect(final.firstFrameMs).toBeGreaterThan(0);
    expect(final.firstFrameMs).toBeLessThan(waitedMs);
  });
});
