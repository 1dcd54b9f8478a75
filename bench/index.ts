// `npm run bench`: the budgets of issue 9, as ratios against baselines
// measured in the same run on the same machine and the same workerd binary —
// a bare Hono route, and a route making one actor call with one SQLite insert
// (bench/baseline/). Every HTTP figure comes from wrk (bench/wrk/*.lua) at the
// same concurrency, for baselines and targets alike; each target is warmed up,
// then measured for a fixed time. The baselines are measured three times
// (first, between the requests and the webhook burst, last), and the ratios
// use their mean, so that a load that comes and goes on the machine weighs on
// both sides alike.
//
// Prints a table and whether every budget was met, and writes the figures to
// bench/results.json. Exits 0 whether or not budgets are met (they are
// reported, not asserted); 1 only when the bench itself broke.
//
//   npm run bench
//   DURATION=8 WARMUP=2 CONNECTIONS=32 THREADS=1 EVENTS=5000 WARMUP_EVENTS=200
//   DRAIN_TIMEOUT=60 STARTS=3 WORKERD_STARTS=5 npm run bench
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { writeFileSync } from "node:fs";
import { ROOT, buildWorker } from "../selfhost/build.ts";
import { call, removeDataDir, startStreamHub, type RunningStreamHub } from "../test/e2e/harness.ts";
import { LiveKitStandin } from "../test/livekit/standin.ts";
import { bundleBaseline, startBaseline, type RunningBaseline } from "./lib/baseline.ts";
import { median, onCleanup, runBench } from "./lib/processes.ts";
import { startArrivalReceiver, type ArrivalReceiver } from "./lib/receiver.ts";
import { timeNpmStart, timeStreamHubWorkerd, timeWorkerdAlone } from "./lib/startup.ts";
import { assertWrkInstalled, wrk, type WrkResult } from "./lib/wrk.ts";
import { runWebhookBurst, type BurstResult } from "./webhooks.ts";

const setting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};
const CONNECTIONS = setting("CONNECTIONS", 32);
const THREADS = setting("THREADS", 1);
const DURATION = setting("DURATION", 6);
const WARMUP = setting("WARMUP", 2);
const EVENTS = setting("EVENTS", 5000);
const WARMUP_EVENTS = setting("WARMUP_EVENTS", 200);
const DRAIN_TIMEOUT = setting("DRAIN_TIMEOUT", 60);
const STARTS = setting("STARTS", 3);
const WORKERD_STARTS = setting("WORKERD_STARTS", 5);

const KEY = "APIbench";
const SECRET = "bench-livekit-secret-0123456789abcdef0123";
const TOKEN = "sk_bench_token_0123456789abcdefghijklmnopqrs";
const APP = "bench";
const RESULTS = `${ROOT}bench/results.json`;

const began = performance.now();
const progress = (message: string) => process.stderr.write(`bench: [${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

// ── One kind of request, measured with wrk ─────────────────────────────────

interface Target {
  name: string;
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** %ID% (in body or headers) and %IP% (in headers) make each request distinct; see bench/wrk/template.lua. */
  body?: string;
  expect: number;
}

interface Measured {
  name: string;
  okPerSecond: number;
  /** Successful requests before the measurement (the sanity check and the warm-up): not measured, but they did their work. */
  unmeasuredOk: number;
  latencyMs: WrkResult["latencyMs"];
  ok: number;
  failed: number;
  seconds: number;
}

let sanityRuns = 0;

async function measure(target: Target): Promise<Measured> {
  progress(`${target.name}: warm-up ${WARMUP} s, then ${DURATION} s at ${CONNECTIONS} connections`);
  // One request first, so that a wrong status breaks the bench instead of being measured.
  const n = ++sanityRuns;
  const fill = (text: string) => text.replaceAll("%ID%", `sanity${n}`).replaceAll("%IP%", `192.0.2.${n % 250}`);
  const headers = Object.fromEntries(Object.entries(target.headers ?? {}).map(([k, v]) => [k, fill(v)]));
  const response = await fetch(target.url, { method: target.method ?? "GET", headers, ...(target.body === undefined ? {} : { body: fill(target.body) }) });
  const text = await response.text();
  if (response.status !== target.expect) throw new Error(`${target.name}: expected ${target.expect}, got ${response.status}: ${text.slice(0, 500)}`);

  const env: Record<string, string> = {
    BENCH_METHOD: target.method ?? "GET",
    BENCH_HEADERS: Object.entries(target.headers ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join("\n"),
    ...(target.body === undefined ? {} : { BENCH_BODY: target.body }),
  };
  const options = { url: target.url, script: "template" as const, connections: CONNECTIONS, threads: THREADS, env };
  const warmup = WARMUP > 0 ? await wrk({ ...options, durationS: WARMUP }) : undefined;
  const result = await wrk({ ...options, durationS: DURATION });
  if (result.failed > 0) progress(`${target.name}: ${result.failed} of ${result.summary.requests} requests failed (status ≥ 400 or timeout); only the others count`);
  return {
    name: target.name,
    okPerSecond: result.okPerSecond,
    unmeasuredOk: (warmup?.ok ?? 0) + 1,
    latencyMs: result.latencyMs,
    ok: result.ok,
    failed: result.failed,
    seconds: result.seconds,
  };
}

// ── Budgets ────────────────────────────────────────────────────────────────

interface Row {
  request: string;
  value: number;
  unit: string;
  p50?: number;
  p99?: number;
  baseline?: string;
  ratio?: number;
  target: string;
  /** Undefined for the baselines themselves. */
  met?: boolean;
  why?: string;
  /** Printed on a line of its own under the row. */
  detail?: string;
}

const P99_FACTOR = 4;

interface Baseline {
  name: string;
  rate: number;
}

/** A rate budget — a share of a baseline's rate, or an absolute rate — and the tail budget (p99 ≤ 4×p50). */
type RateBudget = { share: number; of: Baseline } | { perSecond: number };

function requestRow(m: Measured, unit: string, budget: RateBudget): Row {
  const ratio = "share" in budget ? m.okPerSecond / budget.of.rate : undefined;
  const fast = "share" in budget ? ratio! >= budget.share : m.okPerSecond >= budget.perSecond;
  const tail = m.latencyMs.p99 <= P99_FACTOR * m.latencyMs.p50;
  const why = [fast ? "" : "rate", tail ? "" : `p99 ${(m.latencyMs.p99 / m.latencyMs.p50).toFixed(1)}×p50`].filter(Boolean).join(", ");
  return {
    request: m.name,
    value: m.okPerSecond,
    unit,
    p50: m.latencyMs.p50,
    p99: m.latencyMs.p99,
    ...("share" in budget ? { baseline: budget.of.name, ratio } : {}),
    target: `${"share" in budget ? `≥ ${Math.round(budget.share * 100)} %` : `≥ ${budget.perSecond}/s`}, p99 ≤ ${P99_FACTOR}×p50`,
    met: fast && tail,
    ...(why ? { why } : {}),
  };
}

function burstRows(b: BurstResult, insert: Baseline): Row[] {
  const accepted = requestRow(
    { name: "LiveKit webhook burst, accepted", okPerSecond: b.acceptedPerSecond, unmeasuredOk: 0, latencyMs: b.sinkLatencyMs, ok: b.accepted, failed: b.notAccepted, seconds: b.burstSeconds },
    "events/s",
    { share: 0.5, of: insert },
  );
  accepted.detail = `${b.events} signed room_started events, each once, ${b.connections} connections; ${b.accepted} accepted in ${b.burstSeconds.toFixed(1)} s`;
  if (b.notAccepted > 0) {
    accepted.met = false;
    accepted.why = [accepted.why, `${b.notAccepted} not accepted`].filter(Boolean).join(", ");
  }
  const drained = b.drainSeconds !== null && b.drainSeconds <= 0.5;
  const lost = b.accepted - b.delivered;
  const deliveries: Row = {
    request: "  delivered during the burst",
    value: b.deliveredPerSecondDuringBurst,
    unit: "events/s",
    target: "keep pace: drained ≤ 0.5 s after",
    met: drained,
    ...(drained ? {} : { why: "backlog" }),
    detail: `backlog ${b.backlogAtEnd} when the burst ended, ${
      b.drainSeconds === null ? `${lost} still undelivered after ${DRAIN_TIMEOUT} s` : `drained ${b.drainSeconds.toFixed(1)} s later`
    }; ${Math.round(b.deliveredPerSecond)} delivered/s from the first event sent to the last delivered`,
  };
  const handoffMet = b.handoffMs.p50 <= 100 && b.handoffMs.p99 <= 500 && lost === 0;
  const handoff: Row = {
    request: "  hand-off, sink ack → receiver",
    value: b.handoffMs.p50,
    unit: "ms p50",
    p50: b.handoffMs.p50,
    p99: b.handoffMs.p99,
    target: "p50 ≤ 100 ms, p99 ≤ 500 ms",
    met: handoffMet,
    ...(handoffMet ? {} : { why: lost ? `${lost} lost` : "latency" }),
  };
  return [accepted, deliveries, handoff];
}

function startupRow(request: string, times: number[], budgetMs: number): Row {
  const value = median(times);
  return {
    request,
    detail: `median of ${times.length}: ${times.map((t) => Math.round(t)).join(", ")} ms`,
    value,
    unit: "ms",
    target: `≤ ${budgetMs} ms`,
    met: value <= budgetMs,
    ...(value <= budgetMs ? {} : { why: "slow" }),
  };
}

// ── Output ─────────────────────────────────────────────────────────────────

const round = (value: number) => (value >= 100 ? String(Math.round(value)) : value.toFixed(1));

function printTable(rows: Row[]): void {
  const header = ["request", "rate", "p50 ms", "p99 ms", "baseline", "ratio", "target", "met?"];
  const cells = rows.map((r) => [
    r.request,
    `${round(r.value)} ${r.unit}`,
    r.p50 === undefined ? "" : round(r.p50),
    r.p99 === undefined ? "" : round(r.p99),
    r.baseline ?? "",
    r.ratio === undefined ? "" : `${Math.round(r.ratio * 100)} %`,
    r.target,
    r.met === undefined ? "(baseline)" : r.met ? "yes" : `NO (${r.why})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => (i === 0 || i >= 6 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" │ ").trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "─".repeat(w)).join("─┼─"));
  cells.forEach((c, i) => {
    console.log(line(c));
    if (rows[i]!.detail) console.log(`    ${rows[i]!.detail}`);
  });
}

const commit = () => {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" });
  if (head.status !== 0) return null;
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" }).stdout.trim() !== "";
  return `${head.stdout.trim()}${dirty ? "+dirty" : ""}`;
};

// ── The run ────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  await assertWrkInstalled();
  const startedAt = new Date();
  // The one-minute load average before anything starts: something else running skews every figure.
  const loadAtStart = loadavg()[0]!;
  progress("building the Worker (once) and the baseline Worker");
  buildWorker({ quiet: true });
  bundleBaseline();

  let baseline: RunningBaseline | undefined;
  let node: RunningStreamHub | undefined;
  let receiver: ArrivalReceiver | undefined;
  const standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET });
  const stopAll = async () => {
    await baseline?.stop();
    if (node) {
      await node.stop();
      removeDataDir(node.dataDir);
    }
    await receiver?.close();
    await standin.close();
    baseline = node = receiver = undefined;
  };
  const registered = onCleanup(stopAll);

  await standin.listen();
  receiver = await startArrivalReceiver(APP);
  baseline = await startBaseline();
  node = await startStreamHub({
    env: {
      STREAMHUB_API_TOKEN: TOKEN,
      LIVEKIT_URL: standin.url,
      LIVEKIT_API_KEY: KEY,
      LIVEKIT_API_SECRET: SECRET,
      STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "1",
      STREAMHUB_SKIP_BUILD: "1",
    },
  });
  const api = node.url;
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const json = { ...auth, "Content-Type": "application/json" };

  // One app in the platform tenant (the global token's; maxConcurrentStreams 100,000, so
  // publisher mints really reserve a slot and are never refused), one endpoint.
  const created = await call(api, "POST", "/api/v1/apps", { token: TOKEN, json: { name: APP } });
  if (created.status !== 201) throw new Error(`creating the app: ${created.status} ${JSON.stringify(created.body)}`);
  const endpoint = await call(api, "POST", `/api/v1/apps/${APP}/webhooks`, { token: TOKEN, json: { url: `${receiver.url}/hook`, events: ["room_started"] } });
  if (endpoint.status !== 201) throw new Error(`creating the webhook endpoint: ${endpoint.status} ${JSON.stringify(endpoint.body)}`);

  const bareTarget: Target = { name: "bare Hono route", url: `${baseline.url}/bare`, expect: 200 };
  const insertTarget: Target = { name: "1 actor call + 1 SQLite insert", url: `${baseline.url}/insert`, method: "POST", expect: 201 };

  const baselineRounds: { bare: Measured; insert: Measured }[] = [];
  const measureBaselines = async () => baselineRounds.push({ bare: await measure(bareTarget), insert: await measure(insertTarget) });

  // Publisher mints must really take a slot: the tenant's concurrent-stream usage is checked around them.
  const streamsInUse = async (): Promise<number | null> => {
    const usage = await call(api, "GET", "/api/v1/tenants/platform/usage", { token: TOKEN });
    return usage.status === 200 && typeof usage.body?.data?.usage?.concurrentStreams === "number" ? usage.body.data.usage.concurrentStreams : null;
  };

  await measureBaselines();
  const health = await measure({ name: "GET /api/v1/health", url: `${api}/api/v1/health`, expect: 200 });
  const list = await measure({ name: "GET /api/v1/apps", url: `${api}/api/v1/apps`, headers: auth, expect: 200 });
  const subscriber = await measure({
    name: "POST …/apps/{app}/tokens, subscriber",
    url: `${api}/api/v1/apps/${APP}/tokens`,
    method: "POST",
    headers: json,
    body: JSON.stringify({ room: "r", canPublish: false }),
    expect: 201,
  });
  const play = await measure({
    name: "GET …/apps/{app}/play-token/{room}",
    url: `${api}/api/v1/apps/${APP}/play-token/r`,
    // A distinct client address per request: the route allows 30 a minute per address.
    headers: { "X-Forwarded-For": "%IP%" },
    expect: 200,
  });
  const streamsBefore = await streamsInUse();
  const publisher = await measure({
    name: "POST …/apps/{app}/tokens, publisher",
    url: `${api}/api/v1/apps/${APP}/tokens`,
    method: "POST",
    headers: json,
    body: JSON.stringify({ room: "r", identity: "p-%ID%" }),
    expect: 201,
  });
  const streamsAfter = await streamsInUse();
  const publisherMints = publisher.unmeasuredOk + publisher.ok;
  const slotsReserved = streamsBefore === null || streamsAfter === null ? null : streamsAfter - streamsBefore;
  // wrk leaves up to one request per connection unanswered when it stops, so a few more slots than mints is expected.
  if (slotsReserved === null || slotsReserved < publisherMints) {
    progress(`publisher mints: ${publisherMints}, but concurrent-stream slots reserved meanwhile: ${slotsReserved ?? "unknown (usage unreadable)"}`);
  }

  await measureBaselines();

  progress(`webhook burst: ${WARMUP_EVENTS} events to warm up, then ${EVENTS} at ${CONNECTIONS} connections`);
  const burst = await runWebhookBurst({
    streamhubUrl: api,
    standin,
    receiver,
    roomPrefix: APP,
    events: EVENTS,
    warmupEvents: WARMUP_EVENTS,
    connections: CONNECTIONS,
    threads: THREADS,
    drainTimeoutS: DRAIN_TIMEOUT,
  });

  const apps = await measure({ name: "POST /api/v1/apps", url: `${api}/api/v1/apps`, method: "POST", headers: json, body: JSON.stringify({ name: "a%ID%" }), expect: 201 });

  await measureBaselines();
  const streamhubOutputBytes = node.output().length;
  await registered.run();

  progress(`start-up: workerd alone ×${WORKERD_STARTS}, npm start ×${STARTS}`);
  const workerdTimes = await timeStreamHubWorkerd(WORKERD_STARTS);
  const bareWorkerdTimes = await timeWorkerdAlone(WORKERD_STARTS);
  const startTimes = await timeNpmStart(STARTS);

  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const baselineRow = (rounds: Measured[]): Row => ({
    request: rounds[0]!.name,
    detail: `mean of ${rounds.length} runs spread over the bench: ${rounds.map((m) => Math.round(m.okPerSecond)).join(", ")} req/s`,
    value: mean(rounds.map((m) => m.okPerSecond)),
    unit: "req/s",
    p50: median(rounds.map((m) => m.latencyMs.p50)),
    p99: median(rounds.map((m) => m.latencyMs.p99)),
    target: `(for reference: p99 = ${(median(rounds.map((m) => m.latencyMs.p99)) / median(rounds.map((m) => m.latencyMs.p50))).toFixed(0)}×p50)`,
  });
  const bareRounds = baselineRounds.map((r) => r.bare);
  const insertRounds = baselineRounds.map((r) => r.insert);
  const bare: Baseline = { name: "bare", rate: mean(bareRounds.map((m) => m.okPerSecond)) };
  const insert: Baseline = { name: "1 call + insert", rate: mean(insertRounds.map((m) => m.okPerSecond)) };
  const publisherRow = requestRow(publisher, "req/s", { share: 0.8, of: insert });
  publisherRow.detail = `${publisherMints} publisher tokens minted (warm-up included), ${slotsReserved ?? "?"} concurrent-stream slots reserved meanwhile`;
  const rows: Row[] = [
    baselineRow(bareRounds),
    baselineRow(insertRounds),
    requestRow(subscriber, "req/s", { share: 0.4, of: bare }),
    requestRow(play, "req/s", { share: 0.4, of: bare }),
    publisherRow,
    requestRow(list, "req/s", { share: 0.5, of: bare }),
    requestRow(health, "req/s", { share: 0.5, of: bare }),
    ...burstRows(burst, insert),
    requestRow(apps, "apps/s", { perSecond: 300 }),
    startupRow("npm start → first 200", startTimes, 1000),
    startupRow("workerd alone → first 200", workerdTimes, 100),
    { ...startupRow("  (bare Worker, for reference)", bareWorkerdTimes, 100), target: "", met: undefined, why: undefined },
  ];

  console.log();
  console.log(`StreamHub budgets (issue 9) — ${cpus().length} cores, ${CONNECTIONS} connections, wrk -t${THREADS}, ${DURATION} s per request after ${WARMUP} s warm-up`);
  console.log();
  printTable(rows);
  const budgets = rows.filter((r) => r.met !== undefined);
  const unmet = budgets.filter((r) => !r.met);
  const spread = (rounds: Measured[], rate: number) => (Math.max(...rounds.map((m) => m.okPerSecond)) - Math.min(...rounds.map((m) => m.okPerSecond))) / rate;
  if (spread(bareRounds, bare.rate) > 0.15 || spread(insertRounds, insert.rate) > 0.15) {
    console.log("\nnote: a baseline moved by more than 15 % during the run (another load on the machine?); the ratios are less certain.");
  }
  if (loadAtStart > 1) console.log(`note: the machine was not idle when the bench started (load average ${loadAtStart.toFixed(2)}); figures are less certain.`);
  console.log();
  console.log(
    unmet.length === 0
      ? `every budget met (${budgets.length} of ${budgets.length})`
      : `budgets met: ${budgets.length - unmet.length} of ${budgets.length}; not met: ${unmet.map((r) => r.request.trim()).join("; ")}`,
  );

  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        commit: commit(),
        machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? null, loadAverageAtStart: loadAtStart },
        settings: { CONNECTIONS, THREADS, DURATION, WARMUP, EVENTS, WARMUP_EVENTS, DRAIN_TIMEOUT, STARTS, WORKERD_STARTS },
        baselines: { bare: { runs: bareRounds, reqPerSecond: bare.rate }, insert: { runs: insertRounds, reqPerSecond: insert.rate } },
        requests: { subscriber, play, publisher: { ...publisher, mints: publisherMints, slotsReserved }, list, health, apps },
        webhookBurst: burst,
        startup: { npmStartMs: startTimes, workerdAloneMs: workerdTimes },
        streamhubOutputBytes,
        rows,
        allMet: unmet.length === 0,
      },
      null,
      2,
    )}\n`,
  );
  progress(`figures written to ${RESULTS}`);
}

await runBench("bench", main);
