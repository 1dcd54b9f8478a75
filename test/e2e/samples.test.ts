// An app's sample pages (/samples/{app}/…), opened as their hints say, against
// the real LiveKit server: publish.html publishes with the SDK, play.html plays
// with the player (and its view's quality-of-experience report is stored),
// two conference.html pages see each other.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, until, type RunningStreamHub } from "./harness.ts";
import { startMediaStack, type MediaStack } from "./media-stack.ts";

// Code in page.evaluate runs in the browser; these are its globals (this project is typed for Node).
declare const document: any;

const TOKEN = "sk_samples_e2e_token_0123456789abcdefghijklmn";
let stack: MediaStack;
let node: RunningStreamHub;
let browser: Browser;

beforeAll(async () => {
  stack = await startMediaStack({ STREAMHUB_API_TOKEN: TOKEN });
  ({ node, browser } = stack);
}, 60_000);
afterAll(() => stack?.close());

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: TOKEN, json });
const context = () => stack.logs();

/** A join token for the room, in the hash as the sample pages ask for it. */
async function hashFor(app: string, room: string, identity: string): Promise<string> {
  const minted = (await api("POST", `/api/v1/apps/${app}/tokens`, { room, identity })).body.data;
  return `#room=${encodeURIComponent(room)}&token=${encodeURIComponent(minted.token)}&wsUrl=${encodeURIComponent(minted.wsUrl)}`;
}

/** Frames presented by each <video> of a page, in document order. */
const framesPerVideo = (page: Page) => page.evaluate(() => [...document.querySelectorAll("video")].map((v: any) => v.getVideoPlaybackQuality().totalVideoFrames as number));

describe("against the real LiveKit server: the sample pages", () => {
  it("publish.html publishes with the SDK; play.html plays it with the player, and its view's QoE report is stored", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "showcase" })).status).toBe(201);
    const publisher = await browser.newPage();
    await publisher.goto(`${node.url}/samples/showcase/publish.html${await hashFor("showcase", "live", "live")}`);
    // It says where it would publish, and waits for the visitor to press the button.
    await until("the page naming LiveKit's host", () => publisher.locator("#log").textContent(), (text) => /publishing goes to 127\.0\.0\.1:\d+/.test(text ?? ""));
    expect((await api("GET", "/api/v1/apps/showcase/streams")).body.data).toEqual([]);
    await publisher.click("#pick button");
    await until("the sample's stream listed", async () => (await api("GET", "/api/v1/apps/showcase/streams")).body.data, (list: any[]) => list.length === 1, { context });

    const viewer = await browser.newPage();
    await viewer.goto(`${node.url}/samples/showcase/play.html?room=live`);
    await until(
      "the sample player live with frames",
      () => viewer.evaluate(() => ({ state: document.querySelector("streamhub-player").state, frames: document.querySelector("streamhub-player").video.getVideoPlaybackQuality().totalVideoFrames })),
      (v: any) => v.state === "live" && v.frames > 5,
      { context },
    );
    // Leaving the page sends the view's last report.
    await viewer.close({ runBeforeUnload: true });
    const qoe = await until("the view's final QoE report stored", async () => (await api("GET", "/api/v1/apps/showcase/qoe")).body.data, (data: any) => data?.views?.some((v: any) => v.final), { context });
    const view = qoe.views.find((v: any) => v.final);
    expect(view).toMatchObject({ room: "live", path: "webrtc" });
    expect(view.firstFrameMs).toBeGreaterThan(0);
    expect(view.watchedMs).toBeGreaterThan(0);
    expect(qoe.summary.byPath.webrtc).toBeGreaterThanOrEqual(1);
  });

  it("two conference.html pages in one room see each other's camera", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "meetings" })).status).toBe(201);
    const alice = await browser.newPage();
    const bob = await browser.newPage();
    await alice.goto(`${node.url}/samples/meetings/conference.html${await hashFor("meetings", "standup", "alice")}`);
    await bob.goto(`${node.url}/samples/meetings/conference.html${await hashFor("meetings", "standup", "bob")}`);
    await alice.click("#pick button");
    await bob.click("#pick button");
    // Each page: its own preview, then a tile for the other, presenting frames.
    for (const page of [alice, bob]) {
      await until("a remote tile presenting frames", () => framesPerVideo(page), (frames) => frames.length >= 2 && frames.slice(1).some((n) => n > 5), { context });
    }
  });
});
