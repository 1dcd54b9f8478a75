// Runs `npm start` (or `node selfhost/start.ts`) as an operator would — as
// another user, under a systemd-like environment, through npm — in its own
// process group, so that a test can signal one process of the tree and then
// see whether anything of the group is left.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../selfhost/build.ts";

export interface StartedTree {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Pids of every process still in the tree's process group. */
  alive: () => number[];
  /** The pid of the first process of the group whose command line matches. */
  pidOf: (pattern: RegExp) => number | undefined;
  /** SIGKILL to whatever is left of the group. */
  kill: () => Promise<void>;
}

/** A clean environment for a node: no developer settings leak in. */
export function nodeEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8", HOST: "127.0.0.1", STREAMHUB_LOCAL_LIVEKIT: "off", STREAMHUB_SKIP_BUILD: "1" };
  return { ...base, ...env };
}

export function startTree(options: { command?: "node" | "npm"; env: NodeJS.ProcessEnv; uid?: number; gid?: number }): StartedTree {
  const [file, args] = options.command === "npm" ? ["npm", ["start", "--silent"]] : [process.execPath, [join(ROOT, "selfhost/start.ts")]];
  const child = spawn(file, args, { cwd: ROOT, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"], uid: options.uid, gid: options.gid });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const group = child.pid!;
  const processes = () =>
    spawnSync("ps", ["-o", "pid=,args=", "-g", String(group)], { encoding: "utf8" })
      .stdout.split("\n")
      .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ pid: Number(match[1]), args: match[2]! }))
      // ps itself is not in the group; a zombie already reaped may linger a moment.
      .filter((entry) => !entry.args.includes("<defunct>"));
  return {
    child,
    output: () => output,
    exited,
    alive: () => processes().map((entry) => entry.pid),
    pidOf: (pattern) => processes().find((entry) => pattern.test(entry.args))?.pid,
    kill: async () => {
      try {
        process.kill(-group, "SIGKILL");
      } catch {
        // Nothing left.
      }
      await exited;
    },
  };
}

/** Polls until `done` holds, or fails with what was last seen. */
export async function waitFor<T>(what: string, read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000, context: () => string = () => ""): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`expected ${what} within ${timeoutMs} ms; last seen: ${JSON.stringify(value)}\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const healthy = (url: string) =>
  fetch(`${url}/api/v1/health`).then(
    (response) => response.ok,
    () => false,
  );

/** Temporary folders (mode 0755, so that another user may enter them) and one call to remove them all. */
export function temporaryFolders(prefix: string) {
  const made: string[] = [];
  return {
    make: () => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      chmodSync(dir, 0o755);
      made.push(dir);
      return dir;
    },
    removeAll: () => {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
