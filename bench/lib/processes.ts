// Every process the bench starts is stopped: by the code that started it, or —
// when the bench is interrupted or fails — by the cleanups registered here.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

const cleanups = new Set<() => Promise<void> | void>();

export interface Registered {
  /** Runs the cleanup now (once) and unregisters it. */
  run: () => Promise<void>;
  /** Unregisters it without running it (what it cleans up is gone already). */
  forget: () => void;
}

export function onCleanup(cleanup: () => Promise<void> | void): Registered {
  cleanups.add(cleanup);
  return {
    run: async () => {
      if (cleanups.delete(cleanup)) await cleanup();
    },
    forget: () => void cleanups.delete(cleanup),
  };
}

export async function cleanupAll(): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      await cleanup();
    } catch {
      // Best effort: the others must still run.
    }
  }
}

let interruptedBy: NodeJS.Signals | undefined;
/** Set once the bench was interrupted: what fails after that is no news. */
export const interrupted = () => interruptedBy !== undefined;

/** Runs a benchmark's main: a failure (not an interruption) is reported under `name` and sets exit code 1; everything started is cleaned up. */
export async function runBench(name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (!interrupted()) process.stderr.write(`${name}: broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    await cleanupAll();
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interruptedBy = signal;
    process.stderr.write(`bench: ${signal}, stopping what it started\n`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

export interface Child {
  process: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop: (graceMs?: number) => Promise<void>;
}

/** Spawns a command in its own process group (so that its children stop with it) and registers its stop. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions = {}): Child {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  // Keep only the tail: a long run must not grow the bench's memory.
  const keep = (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve((exitCode = code)));
    child.once("error", () => resolve((exitCode = -1)));
  });
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  const stopNow = async (graceMs = 3_000) => {
    if (exitCode !== undefined || child.pid === undefined) return;
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const registered = onCleanup(() => stopNow(500));
  return {
    process: child,
    exited,
    output: () => output,
    stop: async (graceMs) => {
      await stopNow(graceMs);
      registered.forget();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `url` until it answers 200, the child exits or `timeoutMs` passes.
 * Resolves with the milliseconds from `since` (a performance.now() reading).
 */
export async function firstOk(url: string, child: Child, since: number, timeoutMs = 30_000, intervalMs = 2): Promise<number> {
  let exited = false;
  void child.exited.then(() => (exited = true));
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return performance.now() - since;
    } catch {
      // Not listening yet.
    }
    if (exited) throw new Error(`${url}: the process exited before answering 200:\n${child.output()}`);
    if (performance.now() - since > timeoutMs) throw new Error(`${url}: no 200 within ${timeoutMs} ms:\n${child.output()}`);
    await sleep(intervalMs);
  }
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
