import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { jsonLogLine, pipeAsJsonLines } from "./workerd-log.ts";

describe("workerd's output as one JSON log", () => {
  it("keeps the Worker's JSON lines and wraps workerd's own", async () => {
    const from = new PassThrough();
    const to = new PassThrough();
    const lines: string[] = [];
    to.on("data", (chunk) => lines.push(...String(chunk).split("\n").filter(Boolean)));
    pipeAsJsonLines(from, to, "info");
    const workerLine = JSON.stringify({ ts: "2026-11-29T00:00:00.000Z", level: "info", message: "hello" });
    from.write(`${workerLine}\n`);
    from.write("uncaught exception; source = Uncaught (in promise); stack = Error: Network connection lost.\n\n");
    from.write("livekit API request to x failed (status 503), retrying with fallback url y\n");
    from.end();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines).toHaveLength(3);
    const parsed = lines.map((line) => JSON.parse(line));
    expect(lines[0]).toBe(workerLine);
    expect(parsed[1]).toMatchObject({ level: "error", source: "workerd", message: expect.stringContaining("uncaught exception") });
    expect(parsed[2]).toMatchObject({ level: "error", source: "workerd" });
  });

  it("wraps a line that only looks like JSON", () => {
    expect(JSON.parse(jsonLogLine("{not json}", "warn"))).toMatchObject({ level: "warn", message: "{not json}", source: "workerd" });
    expect(JSON.parse(jsonLogLine("[1]", "info"))).toMatchObject({ level: "info", message: "[1]" });
  });
});
