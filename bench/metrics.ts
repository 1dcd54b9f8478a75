// `npm run bench:metrics`: the /metrics budget of issue 13 — p95 ≤ 200 ms with
// 1,000 apps each having a live stream, on this machine — reported against the
// bare Hono route of bench/baseline/ measured in the same run on the same
// workerd, the way a Prometheus scrapes: one request at a time.
//
// Every app is made live for real: created through the API, a publisher token
// minted, the participant joined and its track published in the LiveKit
// stand-in, whose signed webhooks reach StreamHub's sink; each app's actor
// then reports its numbers to the Metrics actor. Every scrape is counted by
// the Worker like any request, so every scrape renders the exposition anew
// (the worst case: nothing is served from a cache).
//
// Prints a table, writes bench/metrics-results.json. Exits 0 whether or not the
// budget is met (reported, not asserted); 1 only when the bench itself broke.
//
//   npm run bench:metrics
//   APPS=1000 SCRAPES=200 WARMUP_SCRAPES=20 CONCURRENCY=16 npm run bench:metrics
import { cpus, loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import { writeFileSync } from "node:fs";
import { ROOT, buildWorker } from "../selfhost/build.ts";
import { call, removeDataDir, startStreamHub, type RunningStreamHub } from "../test/e2e/harness.ts";
import { LiveKitStandin } from "../test/livekit/standin.ts";
import { bundleBaseline, startBaseline, type RunningBaseline } from "./lib/baseline.ts";
import { onCleanup, runBench } from "./lib/processes.ts";

const setting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};
const APPS = setting("APPS", 1000);
const SCRAPES = setting("SCRAPES", 200);
const WARMUP_SCRAPES = setting("WARMUP_SCRAPES", 20);
const CONCURRENCY = setting("CONCURRENCY", 16);
const BUDGET_P95_MS = 200;

const KEY = "APIbenchmetrics";
const SECRET = "bench-metrics-secret-0123456789abcdef0123";
const TOKEN = "sk_bench_metrics_token_0123456789abcdefghijk";
const METRICS_TOKEN = "bench-metrics-token-0123456789";
const RESULTS = `${ROOT}bench/metrics-results.json`;

const began = performance.now();
const progress = (message: string) => process.stderr.write(`bench:metrics: [${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

/** Nearest-rank percentile of `values` (ms). */
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

interface Timing {
  name: string;
  requests: number;
  bytes: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

// The timing loop runs in a thread of its own: the LiveKit stand-in serves its API and sends its
// webhooks on this process's main thread, and must not delay the clock that times the scrapes.
// The targets are timed in turn, one request each per round, so that whatever else slows the
// machine down meanwhile (other processes, the apps' own work) weighs on each of them alike.
const TIMER = `
const { parentPort, workerData: { targets, warmup, rounds } } = require("node:worker_threads");
(async () => {
  const bytes = targets.map(() => 0);
  const once = async (target, i) => {
    const started = performance.now();
    const response = await fetch(target.url, { headers: target.headers });
    const body = await response.arrayBuffer();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(target.name + ": expected 200, got " + response.status + ": " + new TextDecoder().decode(body).slice(0, 300));
    bytes[i] = body.byteLength;
    return ms;
  };
  for (let r = 0; r < warmup; r++) for (const [i, target] of targets.entries()) await once(target, i);
  const times = targets.map(() => []);
  for (let r = 0; r < rounds; r++) for (const [i, target] of targets.entries()) times[i].push(await once(target, i));
  parentPort.postMessage({ times, bytes });
})().catch((error) => parentPort.postMessage({ error: String(error && error.message || error) }));
`;

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

/** Each target once per round, one request at a time (as a scraper sends them): warm-up rounds, then `rounds` timed. */
async function time(targets: Target[], rounds: number): Promise<Timing[]> {
  progress(`${targets.map((t) => t.name).join(", ")}: ${WARMUP_SCRAPES} warm-up rounds, then ${rounds} timed, one request at a time`);
  const worker = new Worker(TIMER, { eval: true, workerData: { targets, warmup: WARMUP_SCRAPES, rounds } });
  const result = await new Promise<{ times: number[][]; bytes: number[] } | { error: string }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  if ("error" in result) throw new Error(result.error);
  return targets.map((target, i) => {
    const times = result.times[i]!;
    return { name: target.name, requests: rounds, bytes: result.bytes[i]!, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: Math.max(...times) };
  });
}

/** Runs `work` for 0…n-1 with at most CONCURRENCY at a time. */
async function pool(n: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  progress("building the Worker (once) and the baseline Worker");
  buildWorker({ quiet: true });
  bundleBaseline();

  let baseline: RunningBaseline | undefined;
  let node: RunningStreamHub | undefined;
  const standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET });
  const registered = onCleanup(async () => {
    await baseline?.stop();
    if (node) {
      await node.stop();
      removeDataDir(node.dataDir);
    }
    await standin.close();
  });

  await standin.listen();
  baseline = await startBaseline();
  node = await startStreamHub({
    env: { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: standin.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET, METRICS_TOKEN, STREAMHUB_SKIP_BUILD: "1", REQUEST_LOG_LEVEL: "warn" },
  });
  standin.setWebhookUrl(`${node.url}/api/v1/webhooks/livekit`);
  const api = node.url;

  progress(`${APPS} apps, each with a live stream (${CONCURRENCY} at a time)`);
  const settingUp = performance.now();
  await pool(APPS, async (i) => {
    const name = `app-${i}`;
    const created = await call(api, "POST", "/api/v1/apps", { token: TOKEN, json: { name } });
    if (created.status !== 201) throw new Error(`creating app ${name}: ${created.status} ${JSON.stringify(created.body)}`);
    const minted = await call(api, "POST", `/api/v1/apps/${name}/tokens`, { token: TOKEN, json: { room: "live", identity: "host" } });
    if (minted.status !== 201) throw new Error(`publisher token of ${name}: ${minted.status} ${JSON.stringify(minted.body)}`);
    await standin.join(minted.body.data.token);
    await standin.publish(minted.body.data.room, "host");
  });
  progress(`set up in ${((performance.now() - settingUp) / 1000).toFixed(1)} s; waiting for every app's report`);

  const auth = { Authorization: `Bearer ${METRICS_TOKEN}` };
  const deadline = Date.now() + 120_000;
  let live = 0;
  for (;;) {
    const text = await (await fetch(`${api}/metrics`, { headers: auth })).text();
    live = [...text.matchAll(/^streamhub_active_streams\{[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    if (live >= APPS) break;
    if (Date.now() > deadline) throw new Error(`only ${live} of ${APPS} live streams showed in /metrics after 2 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  // The baseline (a bare Hono route on its own workerd), StreamHub's own cheapest route (health: the same
  // process as /metrics, so it shows what the node's other work costs every request), and /metrics.
  const timed = await time(
    [
      { name: "bare Hono route (baseline)", url: `${baseline.url}/bare`, headers: {} },
      { name: "GET /api/v1/health", url: `${api}/api/v1/health`, headers: {} },
      { name: `GET /metrics, ${APPS} apps live`, url: `${api}/metrics`, headers: auth },
    ],
    SCRAPES,
  );
  const [bare, health, metrics] = timed as [Timing, Timing, Timing];
  const series = (await (await fetch(`${api}/metrics`, { headers: auth })).text()).split("\n").filter((line) => line !== "" && !line.startsWith("#")).length;
  await registered.run();

  const baselineP95 = bare.p95;
  const met = metrics.p95 <= BUDGET_P95_MS;
  const rows = [bare, health, metrics];
  console.log();
  console.log(`StreamHub /metrics budget (issue 13) — ${cpus().length} cores, ${APPS} apps each with a live stream (${live} streams), one request at a time`);
  console.log();
  const header = ["request", "requests", "body", "p50 ms", "p95 ms", "p99 ms", "max ms"];
  const cells = rows.map((r) => [r.name, String(r.requests), `${(r.bytes / 1024).toFixed(1)} KiB`, r.p50.toFixed(2), r.p95.toFixed(2), r.p99.toFixed(2), r.max.toFixed(2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" │ ");
  console.log(line(header));
  console.log(widths.map((w) => "─".repeat(w)).join("─┼─"));
  for (const c of cells) console.log(line(c));
  console.log();
  console.log(`/metrics: ${series} series; p95 ${metrics.p95.toFixed(1)} ms = ${(metrics.p95 / baselineP95).toFixed(1)}× the bare route's p95 (${baselineP95.toFixed(2)} ms)`);
  console.log(`budget p95 ≤ ${BUDGET_P95_MS} ms: ${met ? "met" : "NOT met"}`);
  if (loadAtStart > 1) console.log(`note: the machine was not idle when the bench started (load average ${loadAtStart.toFixed(2)}); figures are less certain.`);

  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? null, loadAverageAtStart: loadAtStart },
        settings: { APPS, SCRAPES, WARMUP_SCRAPES, CONCURRENCY },
        liveStreams: live,
        series,
        baseline: bare,
        health,
        metrics,
        budget: { p95Ms: BUDGET_P95_MS, met, ratioToBaseline: metrics.p95 / baselineP95 },
      },
      null,
      2,
    )}\n`,
  );
  progress(`figures written to ${RESULTS}`);
}

await runBench("bench:metrics", main);
