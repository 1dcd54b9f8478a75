import { afterEach, describe, expect, it, vi } from "vitest";
import { flushHeldLog, holdLog, log } from "./log.ts";

/** What `write` sent to stdout and stderr, as written. */
function captured(write: () => void): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void out.push(String(line)));
  vi.spyOn(console, "error").mockImplementation((line: unknown) => void err.push(String(line)));
  write();
  vi.restoreAllMocks();
  return { out, err };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("log lines", () => {
  it("are one JSON object each: ts, level and message first, then the fields, escaped as JSON", () => {
    const { out, err } = captured(() => {
      log("info", 'a "quoted"\nmessage', { app: "demo", count: 2, nested: { ok: true }, gone: undefined });
      log("warn", "no fields");
    });
    expect(out).toHaveLength(1);
    expect(Object.keys(JSON.parse(out[0]!))).toEqual(["ts", "level", "message", "app", "count", "nested"]);
    expect(JSON.parse(out[0]!)).toEqual({ ts: expect.any(String), level: "info", message: 'a "quoted"\nmessage', app: "demo", count: 2, nested: { ok: true } });
    expect(out[0]).not.toContain("\n");
    // Warnings and errors go to stderr.
    expect(err).toHaveLength(1);
    expect(JSON.parse(err[0]!)).toEqual({ ts: expect.any(String), level: "warn", message: "no fields" });
  });

  it("carry the time they were written, also when lines of one millisecond share its text", () => {
    vi.useFakeTimers();
    const times = ["2026-11-30T10:00:00.000Z", "2026-11-30T10:00:00.000Z", "2026-11-30T10:00:00.001Z", "2026-11-30T10:00:07.250Z"];
    const { out } = captured(() => {
      for (const time of times) {
        vi.setSystemTime(new Date(time));
        log("info", "tick");
      }
    });
    expect(out.map((line) => JSON.parse(line).ts)).toEqual(times);
  });

  it("held for one write come out as the same lines, stdout and stderr apart", () => {
    const { out, err } = captured(() => {
      expect(holdLog("info", "request", { status: 200 }, 3)).toBe(false);
      expect(holdLog("error", "request", { status: 500 }, 3)).toBe(false);
      expect(holdLog("info", "request", { status: 201 }, 3)).toBe(true);
      flushHeldLog();
    });
    expect(out).toHaveLength(1);
    expect(out[0]!.split("\n").map((line) => JSON.parse(line).status)).toEqual([200, 201]);
    expect(err.map((line) => JSON.parse(line).status)).toEqual([500]);
  });
});
