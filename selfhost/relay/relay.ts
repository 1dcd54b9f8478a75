// The RTSP → RTMP relay sidecar. LiveKit cannot pull RTSP, so for every
// `rtsp` ingress StreamHub stores a desired relay; this process asks StreamHub
// which relays should run (GET /api/v1/relays with the node's cluster token),
// runs each as an ffmpeg process pulling the camera over TCP and pushing to the
// ingress's RTMP endpoint, restarts it with backoff when it dies, and reports
// each relay's state back (POST /api/v1/relays/{id}/status). Either side may
// crash: on restart it converges again to what StreamHub wants.
//
//   STREAMHUB_URL=http://127.0.0.1:3020 STREAMHUB_CLUSTER_TOKEN=… node selfhost/relay/relay.ts
import { spawn, type ChildProcess } from "node:child_process";

export interface DesiredRelay {
  id: string;
  app: string;
  room: string;
  sourceUrl: string;
  rtmpUrl: string;
}

type Status = "starting" | "running" | "backoff" | "failed" | "stopped";

interface Running {
  desired: DesiredRelay;
  process: ChildProcess | null;
  status: Status;
  restarts: number;
  /** Consecutive failures without ever delivering frames; decides backoff and the fallback to transcoding. */
  failures: number;
  transcode: boolean;
  lastError: string | null;
  retryTimer: NodeJS.Timeout | null;
}

export interface RelayOptions {
  streamhubUrl: string;
  clusterToken: string;
  ffmpeg?: string;
  pollMs?: number;
  log?: (line: string) => void;
}

const MAX_BACKOFF_MS = 60_000;
const backoffMs = (failures: number) => Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** Math.max(0, failures - 1));

/** ffmpeg arguments: copy the camera's codecs when the RTMP side takes them, else transcode to H.264/AAC. */
export function ffmpegArgs(relay: DesiredRelay, transcode: boolean): string[] {
  const codecs = transcode ? ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "50", "-c:a", "aac", "-ar", "44100"] : ["-c", "copy"];
  return [
    "-hide_banner",
    "-nostdin",
    "-loglevel", "error",
    "-progress", "pipe:1",
    "-rtsp_transport", "tcp",
    "-timeout", "10000000",
    "-i", relay.sourceUrl,
    "-map", "0:v?",
    "-map", "0:a?",
    ...codecs,
    "-f", "flv",
    relay.rtmpUrl,
  ];
}

export class RelaySupervisor {
  readonly #options: Required<RelayOptions>;
  readonly #relays = new Map<string, Running>();
  #pollTimer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(options: RelayOptions) {
    this.#options = { ffmpeg: "ffmpeg", pollMs: 5_000, log: (line) => process.stdout.write(`${line}\n`), ...options };
  }

  start(): void {
    const tick = async () => {
      try {
        await this.sync();
      } catch (error) {
        this.#options.log(`relay: cannot reach StreamHub: ${(error as Error).message}`);
      }
      if (!this.#stopped) this.#pollTimer = setTimeout(tick, this.#options.pollMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#pollTimer) clearTimeout(this.#pollTimer);
    await Promise.all([...this.#relays.keys()].map((id) => this.#stopRelay(id)));
  }

  /** One reconciliation: start what StreamHub wants and is not running, stop what it no longer wants. */
  async sync(): Promise<void> {
    const response = await fetch(`${this.#options.streamhubUrl}/api/v1/relays`, { headers: { "X-Cluster-Token": this.#options.clusterToken } });
    if (!response.ok) throw new Error(`GET /api/v1/relays answered ${response.status}`);
    const desired = ((await response.json()) as { data: DesiredRelay[] }).data;
    const wanted = new Map(desired.map((relay) => [relay.id, relay]));

    for (const [id, running] of this.#relays) {
      const next = wanted.get(id);
      if (!next || next.sourceUrl !== running.desired.sourceUrl || next.rtmpUrl !== running.desired.rtmpUrl) await this.#stopRelay(id);
    }
    for (const relay of desired) {
      if (!this.#relays.has(relay.id)) this.#startRelay({ desired: relay, process: null, status: "starting", restarts: 0, failures: 0, transcode: false, lastError: null, retryTimer: null });
    }
  }

  #startRelay(running: Running): void {
    this.#relays.set(running.desired.id, running);
    const child = spawn(this.#options.ffmpeg, ffmpegArgs(running.desired, running.transcode), { stdio: ["ignore", "pipe", "pipe"] });
    running.process = child;
    running.status = "starting";
    void this.#report(running);

    let stderr = "";
    let delivered = false;
    child.stderr?.on("data", (chunk) => (stderr = (stderr + chunk).slice(-2_000)));
    child.stdout?.on("data", (chunk: Buffer) => {
      const frames = /frame=(\d+)/.exec(chunk.toString())?.[1];
      if (!delivered && frames && Number(frames) > 0) {
        delivered = true;
        running.failures = 0;
        running.status = "running";
        running.lastError = null;
        void this.#report(running);
      }
    });
    child.on("error", (error) => (stderr += String(error)));
    child.on("exit", (code, signal) => {
      if (running.process !== child) return;
      running.process = null;
      if (this.#stopped || this.#relays.get(running.desired.id) !== running) return;
      running.restarts++;
      running.failures = delivered ? 1 : running.failures + 1;
      running.lastError = stderr.trim().split("\n").slice(-3).join(" | ") || `ffmpeg exited (${signal ?? code})`;
      // A camera whose codecs RTMP will not carry fails at once in copy mode: transcode instead.
      if (!delivered && !running.transcode && running.failures >= 2) running.transcode = true;
      running.status = "backoff";
      void this.#report(running);
      const wait = backoffMs(running.failures);
      this.#options.log(`relay ${running.desired.id}: ffmpeg stopped (${running.lastError}); retry in ${wait} ms`);
      running.retryTimer = setTimeout(() => {
        if (!this.#stopped && this.#relays.get(running.desired.id) === running) this.#startRelay(running);
      }, wait);
    });
  }

  async #stopRelay(id: string): Promise<void> {
    const running = this.#relays.get(id);
    if (!running) return;
    this.#relays.delete(id);
    if (running.retryTimer) clearTimeout(running.retryTimer);
    const child = running.process;
    running.process = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    running.status = "stopped";
    await this.#report(running);
  }

  /** Tells StreamHub how a relay is doing; a relay whose ingress is gone (404) is simply not reported. */
  async #report(running: Running): Promise<void> {
    try {
      await fetch(`${this.#options.streamhubUrl}/api/v1/relays/${encodeURIComponent(running.desired.id)}/status`, {
        method: "POST",
        headers: { "X-Cluster-Token": this.#options.clusterToken, "Content-Type": "application/json" },
        body: JSON.stringify({ app: running.desired.app, status: running.status, error: running.lastError?.slice(0, 1000) ?? null, restarts: running.restarts }),
      });
    } catch (error) {
      this.#options.log(`relay ${running.desired.id}: could not report status: ${(error as Error).message}`);
    }
  }

  /** The state of each relay, for tests and logs. */
  snapshot(): { id: string; status: Status; restarts: number; transcode: boolean; lastError: string | null }[] {
    return [...this.#relays.values()].map((r) => ({ id: r.desired.id, status: r.status, restarts: r.restarts, transcode: r.transcode, lastError: r.lastError }));
  }
}

if (import.meta.main) {
  const streamhubUrl = process.env.STREAMHUB_URL ?? "http://127.0.0.1:3020";
  const clusterToken = process.env.STREAMHUB_CLUSTER_TOKEN;
  if (!clusterToken) {
    process.stderr.write("relay: STREAMHUB_CLUSTER_TOKEN is required (the same value as StreamHub's)\n");
    process.exit(1);
  }
  const supervisor = new RelaySupervisor({ streamhubUrl, clusterToken, ffmpeg: process.env.FFMPEG ?? "ffmpeg", pollMs: Number(process.env.RELAY_POLL_MS ?? 5_000) });
  supervisor.start();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => void supervisor.stop().then(() => process.exit(0)));
  }
}
