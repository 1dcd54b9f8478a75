// At-least-once across a crash: a burst of LiveKit events into StreamHub
// (started as `npm start` does), workerd killed with SIGKILL in the middle and
// started again — every event StreamHub acknowledged reaches the receiver,
// verified with the reference standardwebhooks library.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveKitStandin } from "../livekit/standin.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../webhooks/receiver.ts";
import { call, removeDataDir, startStreamHub, tempDataDir, type RunningStreamHub } from "./harness.ts";

const KEY = "APIe2ewebhooks";
const SECRET = "e2e-webhooks-secret-0123456789abcdef0123";
const TOKEN = "sk_webhooks_e2e_token_0123456789abcdefghij";
const ENV = { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET, STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "1" };
const BURST = 1_000;

let standin: LiveKitStandin;
let receiver: WebhookReceiver;
let dataDir: string;
const nodes: RunningStreamHub[] = [];

beforeAll(async () => {
  standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET });
  await standin.listen();
  receiver = await startWebhookReceiver();
  dataDir = tempDataDir();
});
afterAll(async () => {
  for (const node of nodes) await node.stop();
  removeDataDir(dataDir);
  await standin.close();
  await receiver.close();
});

const received = async (inbox: string) => (await (await fetch(`${receiver.url}/_received/${inbox}`)).json()) as { body: string; verified: boolean; headers: Record<string, string> }[];

describe("against the LiveKit stand-in: outbound webhooks across a crash", () => {
  it("delivers every acknowledged event of a 1,000-event burst interrupted by kill -9", async () => {
    let node = await startStreamHub({ dataDir, env: { ...ENV, LIVEKIT_URL: standin.url } });
    nodes.push(node);
    expect((await call(node.url, "POST", "/api/v1/apps", { token: TOKEN, json: { name: "burst" } })).status).toBe(201);
    const endpoint = (await call(node.url, "POST", "/api/v1/apps/burst/webhooks", { token: TOKEN, json: { url: `${receiver.url}/r/burst`, events: ["room_started"] } })).body.data;
    await fetch(`${receiver.url}/_config/burst`, { method: "POST", body: JSON.stringify({ secrets: [endpoint.secret] }) });

    // LiveKit's webhooks, signed by the stand-in (which keeps them, having no URL), posted at the sink by
    // 32 concurrent senders. Half-way, workerd is killed while requests are in flight; a request that
    // fails is sent again (as LiveKit does) once the node is back. Only events answered 200 count.
    const signed: Awaited<ReturnType<LiveKitStandin["emit"]>> = [];
    for (let i = 0; i < BURST; i++) {
      signed.push((await standin.emit("room_started", { room: { name: `burst-room-${i}`, sid: `RM_${i}` } as never }))[0]!);
      standin.takeWebhooks();
    }
    const acknowledged = new Set<string>();
    const queue = signed.map((_, i) => i);
    let base = node.url;
    let killedAt = Infinity;
    let interruptedInFlight = 0;
    let restart: Promise<void> | undefined;
    const sender = async () => {
      while (queue.length > 0) {
        const i = queue.shift()!;
        const startedAt = Date.now();
        try {
          const response = await fetch(`${base}/api/v1/webhooks/livekit`, { method: "POST", headers: { Authorization: signed[i]!.authorization, "Content-Type": "application/webhook+json" }, body: signed[i]!.body });
          await response.text();
          if (!response.ok) throw new Error(`status ${response.status}`);
          acknowledged.add(`burst-room-${i}`);
        } catch {
          if (startedAt < killedAt && Date.now() >= killedAt) interruptedInFlight++;
          queue.push(i);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        if (acknowledged.size >= BURST / 2 && !restart) {
          restart = (async () => {
            killedAt = Date.now();
            await node.kill9();
            node = await startStreamHub({ dataDir, env: { ...ENV, LIVEKIT_URL: standin.url } });
            nodes.push(node);
            base = node.url;
          })();
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, sender));
    await restart;
    // The kill really cut requests off mid-flight (not between waves).
    expect(interruptedInFlight).toBeGreaterThan(0);
    expect(acknowledged.size).toBe(BURST);

    const deadline = Date.now() + 60_000;
    let rooms = new Set<string>();
    while (Date.now() < deadline) {
      rooms = new Set((await received("burst")).map((r) => JSON.parse(r.body).data.room));
      if (rooms.size === BURST) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(rooms).toEqual(acknowledged);
    const all = await received("burst");
    expect(all.every((r) => r.verified)).toBe(true);
  });
});
