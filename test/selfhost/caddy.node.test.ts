// The front door, run for real (issue 14, item 2): Debian's Caddy with
// selfhost/Caddyfile as shipped, its internal CA on loopback high ports, in
// front of a StreamHub node and the real LiveKit server. A TLS request reaches
// StreamHub with the client's own address; /metrics stays private; /rtc
// upgrades to a WebSocket on LiveKit; /w reaches WHIP; Chromium publishes and
// plays with nothing but the public wss:// URL; no domain, no Caddy.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, get, type Server } from "node:http";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../selfhost/ports.ts";
import { launchChromium, openPage, startPageServer, type PageServer } from "../e2e/browser.ts";
import { call, removeDataDir, startStreamHub, type RunningStreamHub } from "../e2e/harness.ts";
import { startRealLiveKit, type RealLiveKit } from "../e2e/real-livekit.ts";
import { CADDYFILE, startCaddy, tlsRequest, tlsUpgrade, type RunningCaddy } from "./caddy.ts";

const DOMAIN = "streamhub.test";
const TOKEN = "sk_caddy_e2e_token_0123456789abcdefghijklmnop";

let livekit: RealLiveKit;
let caddy: RunningCaddy;
let node: RunningStreamHub;
let whip: Server;
const whipRequests: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  livekit = await startRealLiveKit({ webhookUrl: `http://127.0.0.1:${port}/api/v1/webhooks/livekit` });
  // A WHIP stand-in (livekit-ingress cannot be built here): it records what Caddy forwards.
  whip = createServer((req, res) => {
    whipRequests.push(`${req.method} ${req.url}`);
    res.writeHead(201, { "Content-Type": "application/sdp", Location: `${req.url}/resource` }).end("v=0\r\n");
  });
  await new Promise<void>((resolve) => whip.listen(0, "127.0.0.1", resolve));
  caddy = await startCaddy({
    domain: DOMAIN,
    upstreams: { streamhub: `127.0.0.1:${port}`, livekit: new URL(livekit.url).host, whip: `127.0.0.1:${(whip.address() as { port: number }).port}` },
  });
  node = await startStreamHub({
    port,
    env: {
      STREAMHUB_API_TOKEN: TOKEN,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      // Caddy is the only proxy; the test's clients use other loopback addresses (127.0.0.2, 127.0.0.3).
      TRUSTED_PROXIES: "127.0.0.1/32",
      PUBLIC_BASE_URL: `https://${DOMAIN}:${caddy.httpsPort}`,
      PUBLIC_WS_URL: `wss://${DOMAIN}:${caddy.httpsPort}`,
    },
  });
}, 60_000);

afterAll(async () => {
  await node?.stop();
  if (node) removeDataDir(node.dataDir);
  await caddy?.close();
  await livekit?.close();
  await new Promise((resolve) => whip?.close(resolve));
});

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: TOKEN, json });

describe("Caddy in front of StreamHub and LiveKit (selfhost/Caddyfile, internal CA, loopback)", () => {
  it("a TLS request reaches StreamHub, which sees the client's own address (not Caddy's, not a forged header)", async () => {
    const health = await tlsRequest(caddy, "/api/v1/health", { from: "127.0.0.2" });
    expect(health.status).toBe(200);
    expect(health.json.data.status).toBe("ok");
    expect(health.headers["x-request-id"]).toBeTruthy();

    const pinned = await api("POST", "/api/v1/tokens", { name: "pinned", scope: "global", allowedIps: ["127.0.0.2"] });
    expect(pinned.status).toBe(201);
    const bearer = { Authorization: `Bearer ${pinned.body.data.token}` };
    expect((await tlsRequest(caddy, "/api/v1/apps", { from: "127.0.0.2", headers: bearer })).status).toBe(200);
    expect((await tlsRequest(caddy, "/api/v1/apps", { from: "127.0.0.3", headers: bearer })).status).toBe(401);
    // A client's own X-Forwarded-For is not believed.
    expect((await tlsRequest(caddy, "/api/v1/apps", { from: "127.0.0.3", headers: { ...bearer, "X-Forwarded-For": "127.0.0.2" } })).status).toBe(401);

    // Plain HTTP is redirected to HTTPS.
    const redirect = await new Promise<{ status: number; location?: string }>((resolve, reject) =>
      get({ host: "127.0.0.1", port: caddy.httpPort, path: "/api/v1/health", headers: { Host: DOMAIN } }, (response) => {
        response.resume();
        resolve({ status: response.statusCode!, location: response.headers.location });
      }).once("error", reject),
    );
    expect(redirect.status).toBe(308);
    expect(redirect.location).toMatch(new RegExp(`^https://${DOMAIN.replace(".", "\\.")}.*/api/v1/health$`));
  });

  it("keeps /metrics private: answered by Caddy from outside, passed to StreamHub only from an allowed address", async () => {
    const outside = await tlsRequest(caddy, "/metrics", { from: "127.0.0.2", headers: { Authorization: "Bearer anything" } });
    expect(outside.status).toBe(404);
    expect(outside.headers["x-request-id"]).toBeUndefined();
    const local = await tlsRequest(caddy, "/metrics", { from: "127.0.0.1" });
    expect(local.headers["x-request-id"]).toBeTruthy();
  });

  it("upgrades /rtc to a WebSocket on the real LiveKit, which answers the join", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "front" })).status).toBe(201);
    const join = (await api("POST", "/api/v1/apps/front/tokens", { room: "main", identity: "probe" })).body.data;
    expect(join.wsUrl).toBe(`wss://${DOMAIN}:${caddy.httpsPort}`);
    const upgraded = await tlsUpgrade(caddy, `/rtc?access_token=${join.token}&protocol=15&sdk=js&version=2.0.0&auto_subscribe=1`);
    expect(upgraded.status).toBe(101);
    expect(upgraded.headers["sec-websocket-accept"]).toBeTruthy();
    // LiveKit's first message: a binary frame (its JoinResponse), naming the room.
    expect(upgraded.firstFrame?.[0]).toBe(0x82);
    expect(upgraded.firstFrame?.includes("front-main")).toBe(true);
    // A token LiveKit does not accept is refused by LiveKit itself.
    expect((await tlsUpgrade(caddy, "/rtc?access_token=not-a-token&protocol=15")).status).toBe(401);
  });

  it("passes /w/… to the WHIP endpoint, path as it is", async () => {
    const offer = await tlsRequest(caddy, "/w/stream-key-1", { method: "POST", headers: { "Content-Type": "application/sdp" } });
    expect(offer.status).toBe(201);
    expect(whipRequests).toContain("POST /w/stream-key-1");
  });

  it("refuses to run without a domain (no fallback domain)", () => {
    expect(readFileSync(CADDYFILE, "utf8")).not.toMatch(/example\.com/);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: "/tmp" };
    const result = spawnSync("caddy", ["validate", "--adapter", "caddyfile", "--config", CADDYFILE], { env, encoding: "utf8" });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(/example\.com/);
  });
});

describe("a browser through Caddy", () => {
  let browser: Browser;
  let pages: PageServer;
  beforeAll(async () => {
    pages = await startPageServer();
    // The test domain resolves to loopback; Caddy's internal CA is not in Chromium's store.
    browser = await launchChromium(["--ignore-certificate-errors", `--host-resolver-rules=MAP ${DOMAIN} 127.0.0.1`]);
  });
  afterAll(async () => {
    await browser?.close();
    await pages?.close();
  });

  it("publishes a camera and plays it with nothing but the public wss:// URL", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "door" })).status).toBe(201);
    const join = (await api("POST", "/api/v1/apps/door/tokens", { room: "show", identity: "host" })).body.data;
    const play = (await call(node.url, "GET", "/api/v1/apps/door/play-token/show")).body.data;
    expect([join.wsUrl, play.wsUrl]).toEqual([`wss://${DOMAIN}:${caddy.httpsPort}`, `wss://${DOMAIN}:${caddy.httpsPort}`]);

    const host = await openPage(browser, pages);
    const published = await host.evaluate(([url, jwt]) => (globalThis as any).publish(url, jwt), [join.wsUrl, join.token] as const);
    expect(published).toEqual({ identity: "host", room: "door-show" });
    const viewer = await openPage(browser, pages);
    const watched = await viewer.evaluate(([url, jwt]) => (globalThis as any).watch(url, jwt, 20_000), [play.wsUrl, play.token] as const);
    expect(watched.firstFrameMs).toBeGreaterThan(0);
  });
});
