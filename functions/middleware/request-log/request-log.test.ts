import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import app from "../../index.ts";
import { HOLD_LINES } from "./index.ts";
import { BOOTSTRAP_TOKEN, createApp } from "../../testing.ts";

/** Calls the Worker with REQUEST_LOG_LEVEL set, and returns the access-log lines it wrote. */
async function linesOf(level: string | undefined, path: string, init: RequestInit = {}): Promise<{ status: number; lines: Record<string, unknown>[] }> {
  const written: string[] = [];
  const capture = (line: unknown) => void written.push(String(line));
  vi.spyOn(console, "log").mockImplementation(capture);
  vi.spyOn(console, "error").mockImplementation(capture);
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://streamhub.test${path}`, init), { ...env, REQUEST_LOG_LEVEL: level }, ctx);
  await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  vi.restoreAllMocks();
  // Lines come in batches (one console write for several): each is one JSON object on a line of its own.
  const lines = written
    .flatMap((batch) => batch.split("\n"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.message === "request");
  return { status: response.status, lines };
}

const bearer = { headers: { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` } };

afterEach(() => vi.restoreAllMocks());

describe("the access log", () => {
  it("writes one JSON line per request by default: method, route pattern, status, duration, request id, app", async () => {
    const { name } = await createApp();
    const { status, lines } = await linesOf(undefined, `/api/v1/apps/${name}/streams`, bearer);
    expect(status).toBe(200);
    expect(lines).toEqual([
      { ts: expect.any(String), level: "info", message: "request", method: "GET", route: "/api/v1/apps/:app/streams", status: 200, durationMs: expect.any(Number), requestId: expect.stringMatching(/^req_/), app: name },
    ]);
  });

  it("never writes the credential, the query (a ?token= may be in it) or the raw path", async () => {
    const { lines } = await linesOf("info", "/metrics?token=secret-in-the-query-0123456789", { headers: { Authorization: "Bearer sk_not_to_be_logged_0123456789" } });
    expect(lines).toHaveLength(1);
    const text = JSON.stringify(lines);
    expect(text).not.toContain("secret-in-the-query");
    expect(text).not.toContain("sk_not_to_be_logged");
    expect(lines[0]).toMatchObject({ route: "/metrics", status: 403, level: "warn", app: null });
  });

  it("labels a request no route matched as unmatched (a GET falls to the dashboard's /*), and a 4xx as a warning", async () => {
    const post = await linesOf("info", "/api/v1/nothing-here/at-all", { method: "POST", ...bearer });
    expect(post.lines).toMatchObject([{ route: "unmatched", status: 404, level: "warn" }]);
    const get = await linesOf("info", "/api/v1/nothing-here/at-all", bearer);
    expect(get.lines).toMatchObject([{ route: "/*", status: 404, level: "warn" }]);
  });

  it("is level-controlled: warn leaves out 2xx lines, off leaves out every line", async () => {
    expect((await linesOf("warn", "/api/v1/health")).lines).toEqual([]);
    expect((await linesOf("warn", "/api/v1/apps/none-such", bearer)).lines).toMatchObject([{ status: 404, level: "warn" }]);
    expect((await linesOf("error", "/api/v1/apps/none-such", bearer)).lines).toEqual([]);
    expect((await linesOf("off", "/api/v1/apps/none-such", bearer)).lines).toEqual([]);
  });

  it("a bad level is a configuration error naming the variable", async () => {
    const { status } = await linesOf("loud", "/api/v1/health");
    expect(status).toBe(503);
  });

  it("writes the lines of a moment in one console write, and writes at once when enough are held", async () => {
    const writes: string[] = [];
    vi.spyOn(console, "log").mockImplementation((text: unknown) => void writes.push(String(text)));
    const ctx = createExecutionContext();
    const requests = (n: number) =>
      Promise.all(Array.from({ length: n }, async () => (await app.fetch(new Request("http://streamhub.test/api/v1/health"), { ...env, REQUEST_LOG_LEVEL: "info" }, ctx)).arrayBuffer()));
    await requests(3);
    // Held, not written yet: the batch goes out a moment after the requests.
    expect(writes).toEqual([]);
    await waitOnExecutionContext(ctx);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split("\n").map((line) => JSON.parse(line).route)).toEqual(["/api/v1/health", "/api/v1/health", "/api/v1/health"]);

    // A full batch does not wait for the moment to pass.
    writes.length = 0;
    await requests(HOLD_LINES);
    expect(writes.map((batch) => batch.split("\n").length)).toEqual([HOLD_LINES]);
    await waitOnExecutionContext(ctx);
  });
});
