// `npm start` on its embedded defaults brings its own media plane: the real
// LiveKit server (built from the Go module pinned in selfhost/livekit/go.mod)
// on loopback, keys generated into DATA_DIR/secrets.json, webhooks pointed at
// this StreamHub, stopped with it. Tried as a new user would: the printed
// token, an app, a browser publishing, another page playing real frames.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findLiveKitBinary } from "../../selfhost/local-livekit.ts";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../webhooks/receiver.ts";
import { launchChromium, openPage, startPageServer, type PageServer } from "./browser.ts";
import { call, freeLiveKitPort, freePort, removeDataDir, startStreamHub, until, type RunningStreamHub } from "./harness.ts";

const running: RunningStreamHub[] = [];
let receiver: WebhookReceiver;
let pages: PageServer;
let browser: Browser;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  pages = await startPageServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await receiver?.close();
  for (const node of running) {
    await node.stop();
    removeDataDir(node.dataDir);
  }
});

const start = async (env: Record<string, string>) => {
  const node = await startStreamHub({ env });
  running.push(node);
  return node;
};

const answers = (port: number) =>
  fetch(`http://127.0.0.1:${port}/`).then(
    (response) => response.ok,
    () => false,
  );

describe("npm start with the local LiveKit (the real server, on loopback)", () => {
  it("runs LiveKit with generated keys: the app's publish sample (the SDK) publishes, an /embed framed by another site plays it and ends with it; stopping StreamHub stops LiveKit", async () => {
    const livekitPort = await freeLiveKitPort();
    const node = await start({ STREAMHUB_LOCAL_LIVEKIT: "auto", LIVEKIT_LOCAL_PORT: String(livekitPort), STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "1" });
    const token = node.printedToken()!;
    expect(token).toMatch(/^sk_/);
    await until("the local LiveKit reachable in health", async () => (await call(node.url, "GET", "/api/v1/health")).body.data.livekit.reachable, (up) => up === true);
    // The launcher says so after a readiness check of its own, which health's probe may beat.
    await until("the launcher to name the local LiveKit", async () => node.output(), (output) => output.includes("local LiveKit") && output.includes(`ws://127.0.0.1:${livekitPort}`), { timeoutMs: 10_000 });

    // Its keys are the node's own, kept with the other first-run secrets; its configuration is not readable by others.
    const secrets = JSON.parse(readFileSync(join(node.dataDir, "secrets.json"), "utf8"));
    expect(secrets.LIVEKIT_API_KEY).toMatch(/^API[0-9a-f]{12}$/);
    expect(secrets.LIVEKIT_API_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(node.dataDir, "secrets.json")).mode & 0o777).toBe(0o600);
    expect(statSync(join(node.dataDir, "livekit", "livekit.yaml")).mode & 0o777).toBe(0o600);

    const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token, json });
    expect((await api("POST", "/api/v1/apps", { name: "demo" })).status).toBe(201);
    const endpoint = (await api("POST", "/api/v1/apps/demo/webhooks", { url: `${receiver.url}/r/local`, events: ["stream_started", "stream_ended"] })).body.data;
    await fetch(`${receiver.url}/_config/local`, { method: "POST", body: JSON.stringify({ secrets: [endpoint.secret] }) });

    // The app's own publish sample (the SDK from /sdk/, as the original's pages load it) publishes with a join token…
    const publisherToken = (await api("POST", "/api/v1/apps/demo/tokens", { room: "show", identity: "host" })).body.data;
    expect(publisherToken.wsUrl).toBe(`ws://127.0.0.1:${livekitPort}`);
    const host = await browser.newPage();
    await host.goto(`${node.url}/samples/demo/publish.html#room=show&token=${publisherToken.token}&wsUrl=${encodeURIComponent(publisherToken.wsUrl)}`);
    await host.click("#pick button");
    // …and an <iframe> of /embed on another site plays it, frames decoded.
    const site = await openPage(browser, pages);
    await site.evaluate((src) => {
      const frame = (globalThis as any).document.createElement("iframe");
      frame.src = src;
      (globalThis as any).document.body.append(frame);
    }, `${node.url}/embed/demo/show?autoplay=1&muted=1`);
    const embed = await until("the embed frame", async () => site.frames().find((f) => f.url().includes("/embed/demo/show")) ?? null, (f) => f !== null);
    const view = () =>
      embed!.evaluate(() => {
        const player = (globalThis as any).document.querySelector("streamhub-player");
        return { state: player?.state as string, frames: (player?.video?.getVideoPlaybackQuality().totalVideoFrames ?? 0) as number };
      });
    await until("frames decoded in the embed", view, (v) => v.state === "live" && v.frames > 5);
    await until("the stream listed with its viewer", async () => (await api("GET", "/api/v1/apps/demo/streams")).body.data, (list: any[]) => list[0]?.viewers === 1);

    // Stopping the stream: the player says so.
    await host.click("#stop");
    await until("the embed's player ended", view, (v) => v.state === "ended");
    const delivered = await until("stream_started and stream_ended delivered", async () => (await (await fetch(`${receiver.url}/_received/local`)).json()) as { body: string; verified: boolean }[], (list) => list.length >= 2);
    expect(delivered.map((d) => [JSON.parse(d.body).type, d.verified])).toEqual([
      ["stream_started", true],
      ["stream_ended", true],
    ]);

    // SIGTERM to npm start alone (not its process group): it stops the LiveKit it started.
    expect(await answers(livekitPort)).toBe(true);
    await node.terminate();
    await until("the local LiveKit stopped", () => answers(livekitPort), (up) => up === false, { timeoutMs: 10_000 });
  });

  it("starts LiveKit again when it dies", async () => {
    const livekitPort = await freeLiveKitPort();
    const node = await start({ STREAMHUB_LOCAL_LIVEKIT: "auto", LIVEKIT_LOCAL_PORT: String(livekitPort) });
    const reachable = async () => (await call(node.url, "GET", "/api/v1/health")).body.data.livekit.reachable as boolean;
    await until("the local LiveKit reachable", reachable, (up) => up);
    const config = join(node.dataDir, "livekit", "livekit.yaml");
    const pid = spawnSync("pgrep", ["-f", config]).stdout.toString().trim();
    expect(pid).toMatch(/^\d+$/);
    process.kill(Number(pid), "SIGKILL");
    await until("the local LiveKit started again", async () => spawnSync("pgrep", ["-f", config]).stdout.toString().trim(), (now) => /^\d+$/.test(now) && now !== pid);
    await until("the local LiveKit answering again", () => answers(livekitPort), (up) => up);
    expect(node.output()).toContain("the local LiveKit exited");
  });

  it("refuses a LiveKit port already in use (say, a LiveKit left running), in one line, and serves the API", async () => {
    const occupied = createServer((_req, res) => res.end("OK"));
    const port = await freePort();
    await new Promise<void>((resolve) => occupied.listen(port, "127.0.0.1", resolve));
    try {
      const node = await start({ STREAMHUB_LOCAL_LIVEKIT: "auto", LIVEKIT_LOCAL_PORT: String(port) });
      const said = await until("the refusal", async () => node.output(), (output) => output.includes("could not start"));
      expect(said).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect((await call(node.url, "GET", "/api/v1/health")).body.data.status).toBe("ok");
    } finally {
      occupied.close();
    }
  });

  it("a stop while LiveKit is still starting stops it too", async () => {
    // A LiveKit that takes 2 s to begin: the stop comes before it serves.
    const dir = mkdtempSync(join(tmpdir(), "streamhub-slow-livekit-"));
    const slow = join(dir, "livekit-server");
    writeFileSync(slow, `#!/bin/sh\nsleep 2\nexec ${findLiveKitBinary({ build: false }).path} "$@"\n`, { mode: 0o755 });
    const livekitPort = await freeLiveKitPort();
    const node = await start({ STREAMHUB_LOCAL_LIVEKIT: "auto", LIVEKIT_LOCAL_PORT: String(livekitPort), LIVEKIT_BIN: slow });
    expect(await node.terminate()).not.toBeNull();
    // npm start has exited: nothing it started is left, neither the wrapper nor a LiveKit it would have run.
    expect(spawnSync("pgrep", ["-f", slow]).stdout.toString()).toBe("");
    expect(await answers(livekitPort)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it("without a LiveKit binary, says so in one line and serves the API alone", async () => {
    const node = await start({ STREAMHUB_LOCAL_LIVEKIT: "auto", LIVEKIT_BIN: "/nonexistent/livekit-server" });
    const lines = node.output().split("\n").filter((line) => line.includes("LiveKit"));
    expect(lines).toEqual([expect.stringMatching(/^streamhub: no local LiveKit \(LIVEKIT_BIN=\/nonexistent\/livekit-server does not exist\): serving the API alone; set LIVEKIT_URL/)]);
    expect((await call(node.url, "GET", "/api/v1/health")).body.data).toMatchObject({ status: "ok", livekit: { reachable: false } });
  });

  it("an operator's LIVEKIT_URL is used as it is: no local LiveKit, no keys generated", async () => {
    const node = await start({ STREAMHUB_LOCAL_LIVEKIT: "auto", LIVEKIT_URL: `ws://127.0.0.1:${await freePort()}`, LIVEKIT_API_KEY: "APIoperator", LIVEKIT_API_SECRET: "operator-livekit-secret-0123456789abcdef" });
    // Nothing of the local LiveKit: no launch, no output of its own (the operator's LiveKit not answering is logged, and that is all).
    expect(node.output()).not.toMatch(/local LiveKit|^livekit: /m);
    expect(existsSync(join(node.dataDir, "livekit"))).toBe(false);
    expect(JSON.parse(readFileSync(join(node.dataDir, "secrets.json"), "utf8")).LIVEKIT_API_KEY).toBeUndefined();
  });
});
