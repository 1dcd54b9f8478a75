// Starts StreamHub exactly as `npm start` does (node selfhost/start.ts → plain
// workerd with selfhost/workerd.capnp) on a free loopback port with its own
// DATA_DIR, and stops it. The bundle is built once by global-setup.ts.
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../selfhost/build.ts";
import { freePort, reservePort } from "../../selfhost/ports.ts";

export interface RunningStreamHub {
  url: string;
  dataDir: string;
  /** Everything the process printed so far (stdout and stderr). */
  output: () => string;
  /** The token printed on first run, if it was printed. */
  printedToken: () => string | undefined;
  stop: () => Promise<void>;
  /** SIGTERM to `npm start`'s own process only, as systemd or a shell would send it: it stops what it started. */
  terminate: () => Promise<number | null>;
  /** SIGKILL to the whole process group: workerd gets no chance to flush anything. */
  kill9: () => Promise<void>;
  exited: Promise<number | null>;
}

export { freePort, reservePort };

/** A UDP port nothing is bound to on 127.0.0.1 (LiveKit's media port; freePort checks TCP only). */
export const freeUdpPort = (port = 0) =>
  new Promise<number>((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", reject);
    socket.bind(port, "127.0.0.1", () => {
      const bound = socket.address().port;
      socket.close(() => resolve(bound));
    });
  });

/** A TCP port free for LiveKit's HTTP whose UDP port two above is free too (`LIVEKIT_LOCAL_PORT` and its media port). */
export async function freeLiveKitPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65534 && (await freeUdpPort(port + 2).then(() => true, () => false))) return port;
  }
}

export const tempDataDir = () => mkdtempSync(join(tmpdir(), "streamhub-e2e-"));

export const removeDataDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

type StartOptions = { dataDir?: string; port?: number; env?: Record<string, string>; waitForHealth?: boolean };

/**
 * Starts a node and waits for its health. A port picked here can be taken by
 * someone else (a connection's source port) before workerd binds it: then the
 * start is tried again on another port. A port the caller chose is its to keep free.
 */
export async function startStreamHub(options: StartOptions = {}): Promise<RunningStreamHub> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (options.port !== undefined || attempt === 3 || !(error instanceof PortTaken)) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(options: StartOptions): Promise<RunningStreamHub> {
  const dataDir = options.dataDir ?? tempDataDir();
  const port = options.port ?? (await freePort());
  // No local LiveKit unless a test asks for one: each test says which LiveKit it runs against.
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", STREAMHUB_SKIP_BUILD: "1", STREAMHUB_LOCAL_LIVEKIT: "off", ...options.env };
  // A developer's own settings must not leak into the tests.
  delete env.STREAMHUB_API_TOKEN;
  delete env.STREAMHUB_SECRET_KEY;
  delete env.STREAMHUB_JWT_SECRET;
  delete env.LIVEKIT_URL;
  delete env.LIVEKIT_API_KEY;
  delete env.LIVEKIT_API_SECRET;
  Object.assign(env, options.env);

  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "selfhost/start.ts")], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  const running: RunningStreamHub = {
    url,
    dataDir,
    output: () => output,
    printedToken: () => /API token \(shown once\): (sk_[A-Za-z0-9_-]+)/.exec(output)?.[1],
    stop: async () => {
      signalGroup("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      signalGroup("SIGKILL");
      await exited;
    },
    terminate: async () => {
      child.kill("SIGTERM");
      return exited;
    },
    kill9: async () => {
      signalGroup("SIGKILL");
      await exited;
    },
    exited,
  };

  if (options.waitForHealth !== false) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const exitCode = await Promise.race([exited, new Promise<"running">((r) => setTimeout(() => r("running"), 100))]);
      if (exitCode !== "running") {
        const taken = output.includes("Address already in use");
        // A retry starts afresh: the folder this attempt made goes with it.
        if (taken && !options.dataDir) removeDataDir(dataDir);
        throw new (taken ? PortTaken : Error)(`streamhub exited with ${exitCode} before serving:\n${output}`);
      }
      try {
        const response = await fetch(`${url}/api/v1/health`);
        if (response.ok) break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        await running.stop();
        throw new Error(`streamhub did not serve /api/v1/health within 15 s:\n${output}`);
      }
    }
  }
  return running;
}

/** A JSON call to a running StreamHub; the body is parsed when it is JSON. */
export async function call(base: string, method: string, path: string, options: { token?: string; json?: unknown; body?: string | Uint8Array; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: RequestInit["body"] = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["Content-Type"] ??= "application/json";
  }
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/**
 * Polls `read` until `done` holds (every 100 ms, at most `timeoutMs`), for
 * waits on something observable rather than fixed sleeps. Fails saying what
 * was expected, the last value seen, and whatever `context` adds (a server's log).
 */
export async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, options: { timeoutMs?: number; context?: () => string } = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`expected ${what} within ${timeoutMs} ms; last seen: ${JSON.stringify(value)}${options.context ? `\n${options.context()}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
