// Benchmark: LiveKit webhook sink → app actor outbox → a local receiver.
// Reports events per second end to end and the hand-off latency (sink
// acknowledged → receiver got it) as percentiles, beside a baseline of the
// same signed requests posted straight to the bare receiver in the same run.
//
//   npm run bench            (EVENTS=2000 CONCURRENCY=20 to change the load)
import { buildWorker } from "../selfhost/build.ts";
import { LiveKitStandin, type SignedWebhook } from "../test/livekit/standin.ts";
import { call, removeDataDir, startStreamHub } from "../test/e2e/harness.ts";
import { startWebhookReceiver } from "../test/webhooks/receiver.ts";

const EVENTS = Number(process.env.EVENTS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 20);
const KEY = "APIbench";
const SECRET = "bench-livekit-secret-0123456789abcdef0123";
const TOKEN = "sk_bench_token_0123456789abcdefghijklmnopqrs";

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1)! };
};

async function inWaves(count: number, run: (i: number) => Promise<void>) {
  for (let i = 0; i < count; i += CONCURRENCY) await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count - i) }, (_, k) => run(i + k)));
}

async function main() {
  buildWorker({ quiet: true });
  const standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET });
  await standin.listen();
  const receiver = await startWebhookReceiver();
  const node = await startStreamHub({ env: { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: standin.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET, STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "1", STREAMHUB_SKIP_BUILD: "1" } });
  try {
    await call(node.url, "POST", "/api/v1/apps", { token: TOKEN, json: { name: "bench" } });
    await call(node.url, "POST", "/api/v1/apps/bench/webhooks", { token: TOKEN, json: { url: `${receiver.url}/r/bench`, events: ["room_started"] } });
    const signed: SignedWebhook[] = [];
    for (let i = 0; i < EVENTS; i++) {
      signed.push((await standin.emit("room_started", { room: { name: `bench-room-${i}`, sid: `RM_${i}` } as never }))[0]!);
      standin.takeWebhooks();
    }

    // Baseline: the same requests straight to the bare receiver.
    const baselineLatency: number[] = [];
    const baselineStart = performance.now();
    await inWaves(EVENTS, async (i) => {
      const started = performance.now();
      await fetch(`${receiver.url}/r/baseline`, { method: "POST", body: signed[i]!.body });
      baselineLatency.push(performance.now() - started);
    });
    const baselineSeconds = (performance.now() - baselineStart) / 1000;

    // Through StreamHub: sink acknowledgement, outbox, alarm, signed delivery.
    const acknowledgedAt = new Map<string, number>();
    const start = Date.now();
    await inWaves(EVENTS, async (i) => {
      const webhook = signed[i]!;
      const response = await fetch(`${node.url}/api/v1/webhooks/livekit`, { method: "POST", headers: { Authorization: webhook.authorization, "Content-Type": "application/webhook+json" }, body: webhook.body });
      if (response.ok) acknowledgedAt.set(`bench-room-${i}`, Date.now());
    });
    let received: { body: string; at: number }[] = [];
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      received = (await (await fetch(`${receiver.url}/_received/bench`)).json()) as { body: string; at: number }[];
      if (new Set(received.map((r) => JSON.parse(r.body).data.room)).size >= acknowledgedAt.size) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const firstArrival = new Map<string, number>();
    for (const r of received) {
      const room = JSON.parse(r.body).data.room as string;
      if (!firstArrival.has(room)) firstArrival.set(room, r.at);
    }
    const handoff = [...firstArrival].map(([room, at]) => at - (acknowledgedAt.get(room) ?? at));
    const seconds = (Math.max(...firstArrival.values()) - start) / 1000;

    const rate = firstArrival.size / seconds;
    const baselineRate = EVENTS / baselineSeconds;
    console.log(JSON.stringify({
      events: EVENTS,
      concurrency: CONCURRENCY,
      delivered: firstArrival.size,
      streamhub: { eventsPerSecond: Math.round(rate), handoffMs: summary(handoff) },
      bareReceiver: { requestsPerSecond: Math.round(baselineRate), latencyMs: summary(baselineLatency.map(Math.round)) },
      ratio: { throughputVsBareReceiver: Number((rate / baselineRate).toFixed(3)) },
    }, null, 2));
  } finally {
    await node.stop();
    removeDataDir(node.dataDir);
    await receiver.close();
    await standin.close();
  }
}

await main();
