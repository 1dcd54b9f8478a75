// Runs wrk (C, one thread by default: workerd runs a Worker's requests on one
// thread, so one core serves and the other generates) with one of the Lua
// scripts in bench/wrk/, and reads the summary its done() writes.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../selfhost/build.ts";
import { cpuMs } from "./cpu.ts";
import { onCleanup } from "./processes.ts";

const LUA_DIR = `${ROOT}bench/wrk`;
let runs = 0;

export interface WrkSummary {
  requests: number;
  durationUs: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  /** As recorded: wrk's correction for coordinated omission undone (bench/wrk/bench.lua); count is how many latencies that found. */
  latencyUs: { p50: number; p90: number; p99: number; max: number; count: number };
  /** As wrk reports them, with its correction for coordinated omission. */
  wrkLatencyUs: { p50: number; p90: number; p99: number };
}

export interface WrkResult {
  /** Answered with 2xx/3xx per second (wrk counts any status ≥ 400 as an error). */
  okPerSecond: number;
  ok: number;
  failed: number;
  seconds: number;
  /** Latencies as the requests had them (see WrkSummary.latencyUs): what the tail budgets are checked against. */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** wrk's own figures, corrected for coordinated omission (for reference). */
  wrkLatencyMs: { p50: number; p90: number; p99: number };
  summary: WrkSummary;
  /** The server's CPU time (all its threads) over the run, per request answered; null without serverPid. */
  cpuUsPerRequest: number | null;
  /** Lines the script wrote next to its summary (burst.lua's per-event times). */
  events?: string;
}

export interface WrkOptions {
  url: string;
  script: "template" | "burst";
  connections: number;
  threads: number;
  durationS: number;
  /** BENCH_* settings for the script. */
  env: Record<string, string>;
  /** The server's process, whose CPU time the run is charged (see cpuUsPerRequest). */
  serverPid?: number | null;
}

export async function assertWrkInstalled(): Promise<void> {
  try {
    await run("wrk", ["-v"], {});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error("wrk is not installed: run selfhost/install-test-deps.sh (or apt-get install wrk)");
    }
    // `wrk -v` prints its usage and exits 1: installed.
  }
}

export async function wrk(options: WrkOptions): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), "streamhub-bench-wrk-"));
  const removeDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const out = join(dir, "summary.json");
    const env = {
      ...process.env,
      ...options.env,
      BENCH_OUT: out,
      BENCH_LUA_DIR: LUA_DIR,
      BENCH_RUN: String(++runs),
      BENCH_THREADS: String(options.threads),
      BENCH_CONNECTIONS: String(options.connections),
    };
    const args = [
      `-t${options.threads}`,
      `-c${options.connections}`,
      `-d${options.durationS}s`,
      "--timeout",
      "30s",
      "-s",
      `${LUA_DIR}/${options.script}.lua`,
      options.url,
    ];
    const cpuBefore = options.serverPid ? cpuMs(options.serverPid) : null;
    await run("wrk", args, env);
    const cpuAfter = options.serverPid ? cpuMs(options.serverPid) : null;
    const summary = JSON.parse(readFileSync(out, "utf8")) as WrkSummary;
    const seconds = summary.durationUs / 1e6;
    const failed = summary.errors.status + summary.errors.timeout;
    const ok = summary.requests - summary.errors.status;
    const ms = (us: number) => us / 1000;
    // Every request's latency is in wrk's histogram once its correction is undone; anything else means the undoing went wrong.
    if (summary.latencyUs.count !== summary.requests) {
      throw new Error(`wrk: ${summary.requests} requests but ${summary.latencyUs.count} latencies recovered from its histogram (bench/wrk/bench.lua)`);
    }
    let events: string | undefined;
    if (options.script === "burst") events = readFileSync(`${out}.events`, "utf8");
    return {
      okPerSecond: ok / seconds,
      cpuUsPerRequest: cpuBefore === null || cpuAfter === null || summary.requests === 0 ? null : ((cpuAfter - cpuBefore) * 1000) / summary.requests,
      ok,
      failed,
      seconds,
      latencyMs: { p50: ms(summary.latencyUs.p50), p90: ms(summary.latencyUs.p90), p99: ms(summary.latencyUs.p99), max: ms(summary.latencyUs.max) },
      wrkLatencyMs: { p50: ms(summary.wrkLatencyUs.p50), p90: ms(summary.wrkLatencyUs.p90), p99: ms(summary.wrkLatencyUs.p99) },
      summary,
      ...(events === undefined ? {} : { events }),
    };
  } finally {
    await removeDir.run();
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      registered.forget();
      if (error) reject(Object.assign(error, { message: `${command} ${args.join(" ")}: ${error.message}\n${stdout}${stderr}` }));
      else resolve(stdout);
    });
    const registered = onCleanup(() => void child.kill("SIGKILL"));
  });
}
