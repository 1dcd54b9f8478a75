// The LiveKit webhook burst: N events signed as LiveKit signs them (by the
// LiveKit stand-in), each a room_started of its own room — so each changes
// state and is delivered — posted once each by wrk over C connections to the
// sink; one app with one endpoint on a local receiver. Measures the sink's
// acceptance rate, the delivery rate and backlog, and the hand-off latency
// (sink acknowledged → receiver got it).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LiveKitStandin } from "../test/livekit/standin.ts";
import { onCleanup } from "./lib/processes.ts";
import type { ArrivalReceiver } from "./lib/receiver.ts";
import { wrk } from "./lib/wrk.ts";

export interface BurstOptions {
  streamhubUrl: string;
  standin: LiveKitStandin;
  receiver: ArrivalReceiver;
  /** The app's room prefix: every event's room is `<prefix>-<series><index>`. */
  roomPrefix: string;
  events: number;
  warmupEvents: number;
  connections: number;
  threads: number;
  /** How long to wait after the burst for the backlog to drain. */
  drainTimeoutS: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface BurstResult {
  events: number;
  connections: number;
  /** Answered 200 by the sink. */
  accepted: number;
  /** Answered otherwise, or not at all. */
  notAccepted: number;
  burstSeconds: number;
  acceptedPerSecond: number;
  /** The sink's response time as wrk saw it. */
  sinkLatencyMs: Percentiles;
  /** wrk's p99 of the sink, corrected for coordinated omission (for reference; see bench/index.ts). */
  sinkWrkP99Ms: number;
  /** Accepted events that had reached the receiver when the last one was acknowledged. */
  deliveredDuringBurst: number;
  deliveredPerSecondDuringBurst: number;
  backlogAtEnd: number;
  /** Accepted events that reached the receiver before the drain timeout. */
  delivered: number;
  /** From the end of the burst to the last delivery; null when the backlog had not drained by the timeout. */
  drainSeconds: number | null;
  /** Delivered events per second from the first event sent to the last delivery. */
  deliveredPerSecond: number;
  handoffMs: Percentiles;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const percentiles = (values: number[]): Percentiles => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  return { p50: at(50), p90: at(90), p99: at(99), max: sorted.at(-1) ?? Number.NaN };
};

/** Signs `count` room_started events of rooms `<prefix>-<series><i>` into a file for bench/wrk/burst.lua. */
async function signEvents(standin: LiveKitStandin, roomPrefix: string, series: string, count: number, file: string): Promise<void> {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const room = `${roomPrefix}-${series}${i}`;
    const [signed] = await standin.emit("room_started", { room: { name: room, sid: `RM_${series}${i}` } as never });
    standin.takeWebhooks();
    lines.push(`${i}\t${signed!.authorization}\t${signed!.body}`);
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
}

async function burst(options: BurstOptions, series: string, count: number, dir: string) {
  const file = join(dir, `${series}.tsv`);
  await signEvents(options.standin, options.roomPrefix, series, count, file);
  const result = await wrk({
    url: `${options.streamhubUrl}/api/v1/webhooks/livekit`,
    script: "burst",
    connections: options.connections,
    threads: options.threads,
    // A cap only: each wrk thread stops once all its events are answered.
    durationS: Math.max(60, Math.ceil(count / 20)),
    env: { BENCH_EVENTS: file },
  });
  const events = result
    .events!.trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [index, sent, acked, status] = line.split("\t").map(Number);
      return { index: index!, sent: sent!, acked: acked!, status: status! };
    });
  const accepted = events.filter((e) => e.status === 200);
  return { result, events, accepted };
}

async function waitForArrivals(receiver: ArrivalReceiver, series: string, indices: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const arrived = receiver.arrivals.get(series);
    if (indices.every((i) => arrived?.has(i))) return;
    if (Date.now() > deadline) return;
    await sleep(50);
  }
}

export async function runWebhookBurst(options: BurstOptions): Promise<BurstResult> {
  const dir = mkdtempSync(join(tmpdir(), "streamhub-bench-burst-"));
  const removeDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    // Warm-up: a small burst of other rooms, delivered before the measured one starts.
    if (options.warmupEvents > 0) {
      const warm = await burst(options, "u", options.warmupEvents, dir);
      await waitForArrivals(options.receiver, "u", warm.accepted.map((e) => e.index), options.drainTimeoutS * 1000);
    }

    const { result, events, accepted } = await burst(options, "w", options.events, dir);
    const start = Math.min(...events.map((e) => e.sent));
    const end = Math.max(...events.map((e) => (e.acked > 0 ? e.acked : e.sent)));
    await waitForArrivals(options.receiver, "w", accepted.map((e) => e.index), options.drainTimeoutS * 1000);

    const arrived = options.receiver.arrivals.get("w") ?? new Map<number, number>();
    const deliveredAccepted = accepted.filter((e) => arrived.has(e.index));
    const arrivalTimes = deliveredAccepted.map((e) => arrived.get(e.index)!);
    const lastArrival = arrivalTimes.length ? Math.max(...arrivalTimes) : end;
    const deliveredDuringBurst = arrivalTimes.filter((at) => at <= end).length;
    const burstSeconds = (end - start) / 1000;
    const allDelivered = deliveredAccepted.length === accepted.length;
    return {
      events: options.events,
      connections: options.connections,
      accepted: accepted.length,
      notAccepted: options.events - accepted.length,
      burstSeconds,
      acceptedPerSecond: accepted.length / burstSeconds,
      sinkLatencyMs: result.latencyMs,
      sinkWrkP99Ms: result.wrkLatencyMs.p99,
      deliveredDuringBurst,
      deliveredPerSecondDuringBurst: deliveredDuringBurst / burstSeconds,
      backlogAtEnd: accepted.length - deliveredDuringBurst,
      delivered: deliveredAccepted.length,
      drainSeconds: allDelivered ? Math.max(0, lastArrival - end) / 1000 : null,
      deliveredPerSecond: deliveredAccepted.length / ((lastArrival - start) / 1000),
      handoffMs: percentiles(deliveredAccepted.map((e) => arrived.get(e.index)! - e.acked)),
    };
  } finally {
    await removeDir.run();
  }
}
