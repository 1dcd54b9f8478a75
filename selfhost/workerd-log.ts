// One log format for `npm start`: the Worker's own lines are JSON already
// (core/log.ts); workerd's lines ("uncaught exception; …", "…: info: …") and
// anything a library prints with console.* are wrapped into the same shape,
// so that a log shipper reads every line of workerd's output as JSON.
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";

type Level = "debug" | "info" | "warn" | "error";

const levelOf = (line: string, fallback: Level): Level =>
  /uncaught|exception|error|fatal|failed/i.test(line) ? "error" : /warn/i.test(line) ? "warn" : fallback;

/** A line as JSON: a JSON object as it is, anything else wrapped with `source: "workerd"`. */
export function jsonLogLine(line: string, fallback: Level, now = new Date()): string {
  const trimmed = line.trim();
  if (trimmed.startsWith("{") && trimmed.endsWith("}")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return trimmed;
    } catch {
      // Not JSON after all: wrapped below.
    }
  }
  return JSON.stringify({ ts: now.toISOString(), level: levelOf(trimmed, fallback), message: trimmed, source: "workerd" });
}

/** Copies `from` to `to` line by line, each line as JSON (empty lines dropped). */
export function pipeAsJsonLines(from: Readable, to: Writable, fallback: Level): void {
  createInterface({ input: from, crlfDelay: Infinity }).on("line", (line) => {
    if (line.trim() !== "") to.write(`${jsonLogLine(line, fallback)}\n`);
  });
}
