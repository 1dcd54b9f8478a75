// The CPU time a server process has used (every thread, from /proc/<pid>/task/*/schedstat,
// in nanoseconds, so it is exact where wall-clock rates move with whatever else shares the
// machine): the bench reports each request's workerd CPU per request beside its rate.
import { readdirSync, readFileSync } from "node:fs";

/** The workerd serving `url` (the one started with `--socket-addr http=<host:port>`), or null when none is found (not Linux). */
export function serverPid(url: string): number | null {
  const { host } = new URL(url);
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  for (const pid of pids) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (args.some((arg) => arg.endsWith("workerd")) && args.includes(`http=${host}`)) return Number(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return null;
}

/** Milliseconds of CPU the process has used so far, all threads together. */
export function cpuMs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return ns / 1e6;
}
