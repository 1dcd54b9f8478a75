// The player's fallback to live HLS, where WebRTC cannot work: StreamHub's
// LiveKit here is the stand-in, which speaks LiveKit's server API and writes
// real HLS (H.264/AAC made by ffmpeg) to the app's bucket like a segment
// egress, but has no media server — so every WebRTC connection fails, and the
// player must give up on it and play HLS through /hls/…, decoding frames.
import type { Browser } from "playwright-core";
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

describe("against the LiveKit stand-in (no media server): the player falls back to live HLS", () => {
  it("gives up on WebRTC and plays the room's live HLS, decoding frames", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "relay" })).status).toBe(201);
    expect((await api("PUT", "/api/v1/apps/relay/s3", stack.s3Settings())).status).toBe(200);
    const publisher = (await api("POST", "/api/v1/apps/relay/tokens", { room: "main", identity: "host" })).body.data;
    await stack.standin.join(publisher.token);
    await stack.standin.publish("relay-main", "host");
    expect((await api("POST", `/api/v1/apps/relay/streams/${encodeURIComponent("relay-main/host")}/hls/start`)).status).toBe(200);

    const viewer = await browser.newPage();
    await viewer.goto(`${node.url}/embed/relay/main?autoplay=1&muted=1`);
    const view = () =>
      viewer.evaluate(() => {
        const player = document.querySelector("streamhub-player");
        return { state: player.state, path: player.path, frames: player.video.getVideoPlaybackQuality().totalVideoFrames };
      });
    await until("the player playing HLS with frames", view, (v) => v.path === "hls" && v.state === "live" && v.frames > 5, { context: () => node.output().slice(-2000) });

    const [gaveUp, playing] = await viewer.evaluate(() => [performance.getEntriesByName("streamhub:webrtc-failed")[0]?.startTime, performance.getEntriesByName("streamhub:playing")[0]?.startTime]);
    expect(gaveUp).toBeGreaterThan(0);
    console.log(`HLS fallback: WebRTC given up at ${Math.round(gaveUp)} ms, HLS playing ${Math.round(playing - gaveUp)} ms later`);

    // The view's report says it played HLS, and that WebRTC failed first.
    await viewer.close({ runBeforeUnload: true });
    const qoe = await until("the HLS view's QoE report", async () => (await api("GET", "/api/v1/apps/relay/qoe")).body.data, (data: any) => data?.views?.some((v: any) => v.final));
    expect(qoe.views.find((v: any) => v.final)).toMatchObject({ room: "main", path: "hls", errors: ["webrtc_failed"] });
  });

  it("waits while the room has no live HLS, then plays it once it starts; time to first frame counts from the playlist's arrival", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "later" })).status).toBe(201);
    expect((await api("PUT", "/api/v1/apps/later/s3", stack.s3Settings())).status).toBe(200);
    const publisher = (await api("POST", "/api/v1/apps/later/tokens", { room: "main", identity: "host" })).body.data;
    await stack.standin.join(publisher.token);
    await stack.standin.publish("later-main", "host");

    const viewer = await browser.newPage();
    await viewer.goto(`${node.url}/embed/later/main?autoplay=1&muted=1&playOrder=hls`);
    const view = () => viewer.evaluate(() => ({ state: document.querySelector("streamhub-player").state, frames: document.querySelector("streamhub-player").video.getVideoPlaybackQuality().totalVideoFrames }));
    await until("the player waiting for HLS", view, (v) => v.state === "waiting");
    const waitedFrom = Date.now();
    expect((await api("POST", `/api/v1/apps/later/streams/${encodeURIComponent("later-main/host")}/hls/start`)).status).toBe(200);
    await until("the player playing HLS with frames", view, (v) => v.state === "live" && v.frames > 5, { context: () => node.output().slice(-2000) });
    const waitedMs = Date.now() - waitedFrom;

    await viewer.close({ runBeforeUnload: true });
    const qoe = await until("the view's QoE report", async () => (await api("GET", "/api/v1/apps/later/qoe")).body.data, (data: any) => data?.views?.some((v: any) => v.final));
    const final = qoe.views.find((v: any) => v.final);
    expect(final).toMatchObject({ room: "main", path: "hls" });
    expect(final.firstFrameMs).toBeGreaterThan(0);
    expect(final.firstFrameMs).toBeLessThan(waitedMs);
  });
});
