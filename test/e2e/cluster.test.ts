// Scale-out with LiveKit's own distributed mode: two real LiveKit servers on
// loopback sharing one Redis (Debian's redis-server), each with a node agent
// (selfhost/agent.ts, run by the CLI as an operator runs it) joined to the
// StreamHub registry. A room created through one LiveKit is joined through the
// other (a signal-level join: LiveKit's own JoinResponse names the room); a
// node an operator drains gets no new rooms from StreamHub (join tokens carry
// the other node's URL) and its agent's heartbeat shows it.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { SignalResponse } from "@livekit/protocol";
import { RoomServiceClient } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../selfhost/build.ts";
import { joinCluster } from "../../selfhost/agent.ts";
import { call, freePort, removeDataDir, startStreamHub, until, type RunningStreamHub } from "./harness.ts";
import { startRealLiveKit, type RealLiveKit } from "./real-livekit.ts";
import { launchChromium, openPage, startPageServer } from "./browser.ts";

const CLUSTER_TOKEN = "cluster-e2e-token-0123456789abcdef";
const KEY = "APIcluster";
const SECRET = "cluster-livekit-secret-0123456789abcdefgh";
let redis: ChildProcess;
let redisUrl: string;
let a: RealLiveKit;
let b: RealLiveKit;
let node: RunningStreamHub;
const agents: { name: string; child: ChildProcess; output: () => string }[] = [];

async function startRedis(): Promise<string> {
  const port = await freePort();
  redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  redis.stdout!.on("data", (chunk) => (output += chunk));
  await until("redis-server to accept connections", async () => output, (text) => text.includes("Ready to accept connections"), { timeoutMs: 10_000 });
  return `127.0.0.1:${port}`;
}

function startAgent(name: string, livekit: RealLiveKit) {
  const child = spawn(
    process.execPath,
    [join(ROOT, "selfhost/cli.ts"), "agent", "--origin", node.url, "--name", name, "--ip", "127.0.0.1", "--livekit-url", livekit.url, "--interval-s", "1"],
    { cwd: ROOT, env: { ...process.env, STREAMHUB_CLUSTER_TOKEN: CLUSTER_TOKEN }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  agents.push({ name, child, output: () => output });
}

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: "sk_cluster_e2e_token_0123456789abcdefghijklm", json });
const nodes = async () => (await api("GET", "/api/v1/cluster/nodes")).body.data as any[];

/** Joins `room` through the LiveKit at `url` with a StreamHub join token; resolves with LiveKit's JoinResponse. */
function signalJoin(url: string, token: string): Promise<NonNullable<Extract<SignalResponse["message"], { case: "join" }>["value"]>> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url}/rtc?access_token=${encodeURIComponent(token)}&protocol=15&sdk=js&version=2.0.0&auto_subscribe=1`);
    socket.binaryType = "arraybuffer";
    const timer = setTimeout(() => reject(new Error(`no JoinResponse from ${url}`)), 15_000);
    socket.onmessage = (event) => {
      const message = SignalResponse.fromBinary(new Uint8Array(event.data as ArrayBuffer)).message;
      if (message.case === "join") {
        clearTimeout(timer);
        resolve(message.value);
        // Stay a moment so that the room lists the participant, then leave.
        setTimeout(() => socket.close(), 3_000);
      }
    };
    socket.onerror = () => reject(new Error(`signal connection to ${url} failed`));
  });
}

beforeAll(async () => {
  const address = await startRedis();
  redisUrl = `redis://${address}`;
  // Both LiveKit servers share the Redis: LiveKit's own multi-node mode.
  [a, b] = await Promise.all([
    startRealLiveKit({ webhookUrl: "http://127.0.0.1:9/nowhere", apiKey: KEY, apiSecret: SECRET, redisAddress: address }),
    startRealLiveKit({ webhookUrl: "http://127.0.0.1:9/nowhere", apiKey: KEY, apiSecret: SECRET, redisAddress: address }),
  ]);
  node = await startStreamHub({
    env: {
      STREAMHUB_API_TOKEN: "sk_cluster_e2e_token_0123456789abcdefghijklm",
      LIVEKIT_URL: a.url,
      LIVEKIT_API_KEY: KEY,
      LIVEKIT_API_SECRET: SECRET,
      STREAMHUB_CLUSTER_TOKEN: CLUSTER_TOKEN,
      STREAMHUB_CLUSTER_REDIS_URL: redisUrl,
    },
  });
  expect((await api("POST", "/api/v1/apps", { name: "shows" })).status).toBe(201);
  startAgent("lk-a", a);
  startAgent("lk-b", b);
}, 90_000);

afterAll(async () => {
  for (const agent of agents) agent.child.kill("SIGTERM");
  await node?.stop();
  if (node) removeDataDir(node.dataDir);
  await Promise.all([a?.close(), b?.close()]);
  redis?.kill("SIGTERM");
});

describe("scale-out with LiveKit's distributed mode", () => {
  it("both LiveKit nodes join the registry and beat with their stats; a join hands out the cluster's Redis and keys", { timeout: 60_000 }, async () => {
    const listed = await until("both agents to have joined and beaten", nodes, (list) => list.length === 2 && list.every((n) => typeof n.stats.rooms === "number"));
    expect(listed.map((n) => ({ name: n.name, url: n.url, status: n.status, stale: n.stale })).sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: "lk-a", url: a.url, status: "active", stale: false },
      { name: "lk-b", url: b.url, status: "active", stale: false },
    ]);
    const answer = await joinCluster({ origin: node.url, clusterToken: CLUSTER_TOKEN, name: "lk-a", ip: "127.0.0.1" });
    expect(answer).toMatchObject({ name: "lk-a", status: "active", redisUrl, livekit: { apiKey: KEY, apiSecret: SECRET, wsUrl: a.url } });
  });

  it("a room created through one LiveKit is joined through the other", { timeout: 60_000 }, async () => {
    const room = await new RoomServiceClient(a.url.replace("ws", "http"), KEY, SECRET).createRoom({ name: "shows-stage", emptyTimeout: 120 });
    // LiveKit B knows the room A created: one room store, in Redis.
    expect((await new RoomServiceClient(b.url.replace("ws", "http"), KEY, SECRET).listRooms(["shows-stage"])).map((r) => r.sid)).toEqual([room.sid]);

    const token = (await api("POST", "/api/v1/apps/shows/tokens", { room: "stage", identity: "guest", canPublish: false })).body.data.token;
    const joined = await signalJoin(b.url, token);
    expect(joined.room?.name).toBe("shows-stage");
    expect(joined.room?.sid).toBe(room.sid);
    expect(joined.participant?.identity).toBe("guest");
    // And the node that created it sees the participant who came in through the other.
    await until(
      "LiveKit A to list the guest who joined through B",
      async () => (await new RoomServiceClient(a.url.replace("ws", "http"), KEY, SECRET).listParticipants("shows-stage")).map((p) => p.identity),
      (identities) => identities.includes("guest"),
      { timeoutMs: 10_000 },
    );
    // The agents count rooms on their own LiveKit (which LiveKit's shared store lists on both).
    await until("a heartbeat to report the room", nodes, (list) => list.some((n) => n.stats.rooms >= 1));
  });

  it("media crosses the nodes: a camera published through one LiveKit plays in a browser connected to the other", { timeout: 120_000 }, async () => {
    const browser = await launchChromium();
    const pages = await startPageServer();
    try {
      const [host, viewer] = [await openPage(browser, pages), await openPage(browser, pages)];
      const publisher = (await api("POST", "/api/v1/apps/shows/tokens", { room: "crossing", identity: "host" })).body.data;
      expect(await host.evaluate(([url, jwt]) => (globalThis as any).publish(url, jwt), [a.url, publisher.token] as const)).toEqual({ identity: "host", room: "shows-crossing" });
      const play = (await call(node.url, "GET", "/api/v1/apps/shows/play-token/crossing")).body.data;
      const watched = await viewer.evaluate(([url, jwt]) => (globalThis as any).watch(url, jwt, 60_000), [b.url, play.token] as const);
      expect(watched.firstFrameMs).toBeGreaterThan(0);
      const frames = await until("frames to keep arriving through the other node", () => viewer.evaluate(() => (globalThis as any).framesDecoded() as Promise<number>), (n) => n > 30);
      expect(frames).toBeGreaterThan(30);
    } finally {
      await browser.close();
      await pages.close();
    }
  });

  it("a node marked draining gets no new rooms from StreamHub, and its heartbeat shows it", { timeout: 60_000 }, async () => {
    const wsUrlFor = async (room: string) => (await api("POST", "/api/v1/apps/shows/tokens", { room, canPublish: false })).body.data.wsUrl as string;
    const rooms = Array.from({ length: 16 }, (_, i) => `new-${i}`);
    const before = new Set(await Promise.all(rooms.map(wsUrlFor)));
    expect(before).toEqual(new Set([a.url, b.url]));

    const lkA = (await nodes()).find((n) => n.name === "lk-a");
    expect((await api("PATCH", `/api/v1/cluster/nodes/${lkA.id}`, { status: "retired" })).status).toBe(400);
    expect((await api("PATCH", `/api/v1/cluster/nodes/${lkA.id}`, { status: "draining" })).body.data.status).toBe("draining");

    // StreamHub hands out only B from now on (the Worker's node list is cached for at most 5 s).
    await until("join tokens to stop naming the draining node", async () => new Set(await Promise.all(rooms.map(wsUrlFor))), (urls) => urls.size === 1 && urls.has(b.url), { timeoutMs: 15_000 });
    const play = await call(node.url, "GET", "/api/v1/apps/shows/play-token/new-0");
    expect(play.body.data.wsUrl).toBe(b.url);

    // The agent learns it from its heartbeat, which keeps coming (the node is draining, not gone).
    const agentA = agents.find((agent) => agent.name === "lk-a")!;
    await until("agent A to report that it is draining", async () => agentA.output(), (output) => output.includes("the registry says this node is draining"), { timeoutMs: 10_000 });
    const seen = (await nodes()).find((n) => n.name === "lk-a");
    expect(seen).toMatchObject({ status: "draining", stale: false });
    // A beat comes every second plus the beat's own time (a LiveKit call and a POST): wait for the next.
    const later = await until("agent A's next heartbeat", async () => (await nodes()).find((n) => n.name === "lk-a"), (n) => Date.parse(n.last_seen_at) > Date.parse(seen.last_seen_at), { timeoutMs: 10_000 });
    expect(later.status).toBe("draining");

    // A node the operator deletes comes back: its agent joins again (as a new node) at its next beat.
    const lkB = (await nodes()).find((n) => n.name === "lk-b");
    expect((await api("DELETE", `/api/v1/cluster/nodes/${lkB.id}`)).status).toBe(200);
    const rejoined = await until("agent B to join again", nodes, (list) => list.some((n) => n.name === "lk-b" && n.id !== lkB.id), { timeoutMs: 10_000 });
    expect(rejoined.find((n) => n.name === "lk-b")).toMatchObject({ status: "active", url: b.url });

    // Back to active: A takes rooms again.
    await api("PATCH", `/api/v1/cluster/nodes/${lkA.id}`, { status: "active" });
    await until("join tokens to name A again", async () => new Set(await Promise.all(rooms.map(wsUrlFor))), (urls) => urls.has(a.url), { timeoutMs: 15_000 });
  });
});
