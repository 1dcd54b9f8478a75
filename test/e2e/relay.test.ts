// The RTSP relay end to end with real media: a real RTSP camera (GStreamer's
// RTSP server) on loopback, StreamHub started as `npm start` does, the relay
// sidecar as its own process running ffmpeg, and a real RTMP receiver (ffmpeg)
// standing where LiveKit's ingress would be. Frames must arrive.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../selfhost/build.ts";
import { LiveKitStandin } from "../livekit/standin.ts";
import { call, freePort, removeDataDir, startStreamHub, type RunningStreamHub } from "./harness.ts";

const KEY = "APIrelaytest";
const SECRET = "relay-test-secret-0123456789abcdef012345";
const CLUSTER_TOKEN = "relay-cluster-token-0123456789";
const TOKEN = "sk_relay_test_token_0123456789abcdefghijklmn";

const processes: ChildProcess[] = [];
let standin: LiveKitStandin;
let node: RunningStreamHub;
let rtspPort = 0;
let rtmpPort = 0;

const spawnTracked = (command: string, args: string[], env?: NodeJS.ProcessEnv) => {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: env ?? process.env });
  processes.push(child);
  return child;
};

const waitFor = async <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** An RTMP receiver counting the video frames it gets (ffmpeg in listen mode). */
function rtmpReceiver(path: string) {
  let frames = 0;
  const child = spawnTracked("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-listen", "1", "-i", `rtmp://127.0.0.1:${rtmpPort}/${path}`, "-f", "null", "-", "-progress", "pipe:1"]);
  child.stdout!.on("data", (chunk: Buffer) => {
    for (const match of chunk.toString().matchAll(/frame=(\d+)/g)) frames = Math.max(frames, Number(match[1]));
  });
  return { frames: () => frames, child };
}

beforeAll(async () => {
  rtspPort = await freePort();
  rtmpPort = await freePort();
  const camera = spawnTracked("/usr/bin/python3", [join(ROOT, "test/media/rtsp-source.py"), String(rtspPort)]);
  await new Promise<void>((resolve, reject) => {
    camera.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
    camera.once("exit", (code) => reject(new Error(`RTSP source exited with ${code}`)));
  });

  standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET, rtmpBaseUrl: `rtmp://127.0.0.1:${rtmpPort}/x` });
  const livekitUrl = await standin.listen();
  node = await startStreamHub({
    env: { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: livekitUrl, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET, STREAMHUB_CLUSTER_TOKEN: CLUSTER_TOKEN },
  });
  standin.setWebhookUrl(`${node.url}/api/v1/webhooks/livekit`);
});

afterAll(async () => {
  for (const child of processes) if (child.exitCode === null) child.kill("SIGKILL");
  await node?.stop();
  if (node) removeDataDir(node.dataDir);
  await standin?.close();
});

describe("against the LiveKit stand-in: RTSP → RTMP relay", () => {
  it("moves real frames from the camera to the ingress, reports its state, restarts after a failure", async () => {
    expect((await call(node.url, "POST", "/api/v1/apps", { token: TOKEN, json: { name: "gatecam" } })).status).toBe(201);
    const created = await call(node.url, "POST", "/api/v1/apps/gatecam/ingress", {
      token: TOKEN,
      json: { inputType: "rtsp", room: "gate", url: `rtsp://127.0.0.1:${rtspPort}/cam` },
    });
    expect(created.status).toBe(201);
    const ingress = created.body.data;
    expect(ingress.relay).toEqual({ status: "pending", error: null, restarts: 0, updatedAt: null });

    // The sidecar sees only the cluster token; a wrong one gets nothing.
    expect((await call(node.url, "GET", "/api/v1/relays", { headers: { "X-Cluster-Token": "wrong-token-0123456789" } })).status).toBe(401);
    const desired = (await call(node.url, "GET", "/api/v1/relays", { headers: { "X-Cluster-Token": CLUSTER_TOKEN } })).body.data;
    expect(desired).toEqual([{ id: ingress.ingressId, app: "gatecam", room: "gatecam-gate", sourceUrl: `rtsp://127.0.0.1:${rtspPort}/cam`, rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/x/${ingress.streamKey}` }]);

    let receiver = rtmpReceiver(`x/${ingress.streamKey}`);
    const sidecar = spawnTracked(process.execPath, [join(ROOT, "selfhost/relay/relay.ts")], {
      ...process.env,
      STREAMHUB_URL: node.url,
      STREAMHUB_CLUSTER_TOKEN: CLUSTER_TOKEN,
      RELAY_POLL_MS: "500",
    });
    sidecar.stderr!.on("data", () => {});

    await waitFor("frames at the RTMP receiver", () => (receiver.frames() >= 50 ? true : undefined));
    const running = await waitFor("the relay reported running", async () => {
      const view = (await call(node.url, "GET", `/api/v1/apps/gatecam/ingress/${ingress.ingressId}`, { token: TOKEN })).body.data;
      return view.relay.status === "running" ? view.relay : undefined;
    });
    expect(running.error).toBeNull();

    // The ingest side goes away: the relay backs off, then recovers once it is back.
    receiver.child.kill("SIGKILL");
    await waitFor("the relay reported a failure", async () => {
      const relay = (await call(node.url, "GET", `/api/v1/apps/gatecam/ingress/${ingress.ingressId}`, { token: TOKEN })).body.data.relay;
      return relay.status === "backoff" && relay.restarts >= 1 ? relay : undefined;
    });
    receiver = rtmpReceiver(`x/${ingress.streamKey}`);
    await waitFor("frames again after the restart", () => (receiver.frames() >= 25 ? true : undefined), 30_000);

    // Deleting the ingress stops the relay: the receiver's stream ends.
    expect((await call(node.url, "DELETE", `/api/v1/apps/gatecam/ingress/${ingress.ingressId}`, { token: TOKEN })).status).toBe(200);
    await waitFor("the relay to stop", () => (receiver.child.exitCode !== null ? true : undefined));
  });
});
