// The embedded media plane of `npm start`: a LiveKit server on loopback, in
// development mode, when the operator has not pointed StreamHub at one of
// their own (LIVEKIT_URL unset). The binary is, in order: LIVEKIT_BIN (for
// example LiveKit's own release binary), the one selfhost/livekit/build.sh
// built from the Go module pinned in selfhost/livekit/go.mod, `livekit-server`
// on PATH, or — when Go is installed — built now from that pinned module.
// The end-to-end tests start their LiveKit servers through here too.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, get } from "node:http";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./build.ts";

const BUILD_SCRIPT = `${ROOT}selfhost/livekit/build.sh`;
const GO_MOD = `${ROOT}selfhost/livekit/go.mod`;

/** The LiveKit server version pinned in selfhost/livekit/go.mod. */
export function pinnedLiveKitVersion(): string {
  const pinned = /^\s*github\.com\/livekit\/livekit-server\s+(v\S+)/m.exec(readFileSync(GO_MOD, "utf8"))?.[1];
  if (!pinned) throw new Error(`${GO_MOD} pins no github.com/livekit/livekit-server`);
  return pinned;
}

/** Where build.sh puts the pinned server (LIVEKIT_CACHE_DIR, or .cache/livekit in the checkout). */
export const builtLiveKitPath = () => join(process.env.LIVEKIT_CACHE_DIR ?? `${ROOT}.cache/livekit`, pinnedLiveKitVersion(), "livekit-server");

const onPath = (command: string) => spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).stdout.trim() || null;

export type LiveKitBinary = { path: string; source: string } | { path: null; reason: string };

/**
 * Finds the LiveKit server to run, building the pinned one when Go is there
 * and nothing else is (`build: false` only looks). Build progress goes to
 * stderr; a failed build is a reason, not an exception.
 */
export function findLiveKitBinary(options: { build: boolean }): LiveKitBinary {
  const chosen = process.env.LIVEKIT_BIN;
  if (chosen) return existsSync(chosen) ? { path: chosen, source: "LIVEKIT_BIN" } : { path: null, reason: `LIVEKIT_BIN=${chosen} does not exist` };
  const built = builtLiveKitPath();
  if (existsSync(built)) return { path: built, source: `built from its Go module (${pinnedLiveKitVersion()})` };
  const installed = onPath("livekit-server");
  if (installed) return { path: installed, source: installed };
  if (!onPath("go")) return { path: null, reason: "no livekit-server binary, and no Go to build the pinned one" };
  if (!options.build) return { path: null, reason: `livekit-server ${pinnedLiveKitVersion()} is not built yet` };
  const build = spawnSync("sh", [BUILD_SCRIPT], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  if (build.status !== 0 || !existsSync(built)) return { path: null, reason: `building livekit-server ${pinnedLiveKitVersion()} failed (exit ${build.status})` };
  return { path: built, source: `built from its Go module (${pinnedLiveKitVersion()})` };
}

export interface LocalLiveKitOptions {
  binary: string;
  /** Where its configuration (with the key pair, mode 0600) is written. */
  dir: string;
  apiKey: string;
  apiSecret: string;
  /** HTTP/WebSocket (signalling and the server API); RTC over UDP, one port for every connection. */
  ports: { http: number; rtcUdp: number };
  /** Where LiveKit posts its webhooks (StreamHub's /api/v1/webhooks/livekit). */
  webhookUrl: string;
  /** `host:port` of the Redis shared by every LiveKit node of a cluster (LiveKit's distributed mode); none: a lone node. */
  redisAddress?: string;
  logLevel?: "debug" | "info" | "warn" | "error";
  /** Each line LiveKit prints; the default drops them. */
  onOutput?: (line: string) => void;
}

export interface LocalLiveKit {
  /** The server URL for StreamHub (LIVEKIT_URL) and for clients on this machine. */
  url: string;
  /** Settles once LiveKit answers on its port; rejects (and stops it) if it exits, cannot start, or stays silent. */
  ready: Promise<void>;
  /** Resolves when the process is gone (null: it never started). */
  exited: Promise<number | null>;
  /** SIGTERM (twice), then SIGKILL after `graceMs`; before it started, it never will. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * LiveKit's configuration for one node on loopback: everything bound to
 * 127.0.0.1 and announced as 127.0.0.1 (browsers on this machine reach it;
 * nothing else can), keys from StreamHub's secrets, webhooks to StreamHub.
 * RTC over TCP is off: LiveKit would listen for it on every interface,
 * whatever `bind_addresses` says, and on loopback UDP is never blocked. The
 * loopback candidate and the `ips` filter keep RTC over UDP on 127.0.0.1.
 */
export function liveKitConfig(options: Omit<LocalLiveKitOptions, "binary" | "dir" | "onOutput">): string {
  const quote = (value: string) => JSON.stringify(value);
  return [
    `port: ${options.ports.http}`,
    "bind_addresses:",
    "  - 127.0.0.1",
    "rtc:",
    "  tcp_port: 0",
    `  udp_port: ${options.ports.rtcUdp}`,
    "  use_external_ip: false",
    "  node_ip: 127.0.0.1",
    "  enable_loopback_candidate: true",
    "  ips:",
    "    includes:",
    "      - 127.0.0.1/32",
    "keys:",
    `  ${quote(options.apiKey)}: ${quote(options.apiSecret)}`,
    "webhook:",
    `  api_key: ${quote(options.apiKey)}`,
    "  urls:",
    `    - ${quote(options.webhookUrl)}`,
    "logging:",
    `  level: ${options.logLevel ?? "warn"}`,
    ...(options.redisAddress ? ["redis:", `  address: ${quote(options.redisAddress)}`] : []),
    "",
  ].join("\n");
}

/** Starts LiveKit and resolves once it answers on its HTTP port; rejects with its output if it cannot. */
export async function startLocalLiveKit(options: LocalLiveKitOptions, timeoutMs = 20_000): Promise<LocalLiveKit> {
  const livekit = launchLocalLiveKit(options, timeoutMs);
  await livekit.ready;
  return livekit;
}

/**
 * Starts LiveKit and hands back its handle at once, so that whoever started
 * it can stop it at any moment — while it is still starting included — and
 * never leaves it running. It refuses a port already in use (a LiveKit left
 * from an earlier run would otherwise answer in its place), and only a
 * process that is still alive when its port answers counts as ready.
 */
export function launchLocalLiveKit(options: LocalLiveKitOptions, timeoutMs = 20_000): LocalLiveKit {
  const url = `ws://127.0.0.1:${options.ports.http}`;
  let child: ChildProcess | null = null;
  let cancelled = false;
  let tail = "";
  let settleExited: (code: number | null) => void = () => undefined;
  const exited = new Promise<number | null>((resolve) => (settleExited = resolve));
  const alive = () => child !== null && child.exitCode === null && child.signalCode === null;

  const stop = async (graceMs = 5_000) => {
    cancelled = true;
    if (!child) return settleExited(null);
    if (!alive()) return;
    const running = child;
    running.kill("SIGTERM");
    // LiveKit ignores a stop in its first 100 ms of serving (it is not "running" yet); a second signal is honoured.
    const again = setTimeout(() => running.kill("SIGTERM"), 500);
    const kill = setTimeout(() => running.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(again);
    clearTimeout(kill);
  };

  const ready = (async () => {
    if (!(await portIsFree(options.ports.http))) {
      settleExited(null);
      throw new Error(`port ${options.ports.http} on 127.0.0.1 is already in use (another LiveKit?); set LIVEKIT_LOCAL_PORT, or LIVEKIT_URL to use that server`);
    }
    if (cancelled) throw new Error("LiveKit was stopped before it started");
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    chmodSync(options.dir, 0o700);
    const configPath = join(options.dir, "livekit.yaml");
    writeFileSync(configPath, liveKitConfig(options), { mode: 0o600 });
    // A file restored from a backup, or left by an older version, keeps its mode otherwise.
    chmodSync(configPath, 0o600);

    const spawned = spawn(options.binary, ["--config", configPath], { stdio: ["ignore", "pipe", "pipe"] });
    child = spawned;
    const failedToSpawn = new Promise<Error>((resolve) => spawned.once("error", resolve));
    spawned.once("exit", (code) => settleExited(code));
    spawned.once("error", () => settleExited(null));
    const forward = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split("\n")) if (line.trim()) options.onOutput?.(line);
    };
    spawned.stdout!.on("data", forward);
    spawned.stderr!.on("data", forward);

    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await Promise.race([
        exited.then((code) => new Error(`LiveKit exited with ${code} before serving:\n${tail.trim()}`)),
        failedToSpawn.then((error) => new Error(`LiveKit could not be started (${options.binary}): ${error.message}`)),
        new Promise<null>((r) => setTimeout(() => r(null), 50)),
      ]);
      if (state) throw state;
      if ((await answers(options.ports.http)) && alive()) return;
      if (cancelled) throw new Error("LiveKit was stopped before it served");
      if (Date.now() > deadline) {
        await stop(1_000);
        throw new Error(`LiveKit did not answer on 127.0.0.1:${options.ports.http} within ${timeoutMs} ms:\n${tail.trim()}`);
      }
    }
  })();
  // Whoever awaits `ready` sees the failure; nobody awaiting it must not crash the process.
  ready.catch(() => undefined);
  return { url, ready, exited, stop };
}

/** Whether nothing listens on the TCP port on 127.0.0.1. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * Whether LiveKit answers 200 on its HTTP port — on a connection of its own
 * that is closed afterwards: LiveKit's shutdown waits (up to 5 s) for open
 * keep-alive connections, such as those a pooled `fetch` would leave behind.
 */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get({ host: "127.0.0.1", port, path: "/", agent: false, timeout: 1_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on("error", () => resolve(false));
    request.on("timeout", () => request.destroy());
  });
}
