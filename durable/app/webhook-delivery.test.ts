import { describe, expect, it } from "vitest";
import { isPrivateTarget } from "../../core/net.ts";
import { attempt, PUBLIC_ONLY_FAILURE, RETRY_SCHEDULE_MS, verdict } from "./webhook-delivery.ts";

describe("webhook targets", () => {
  it.each([
    "http://127.0.0.1/", "http://localhost:8080/", "http://localhost.:8080/", "http://LOCALHOST./", "http://10.0.0.1/", "http://172.20.1.1/",
    "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://100.64.0.1/", "http://0.0.0.0/", "http://[::1]/", "http://[::]/",
    "http://[::7f00:1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::]/",
    "http://[fd00::1]/", "http://[fe80::1]/", "http://metadata.google.internal/", "http://printer.local/", "http://router.home.arpa/",
  ])("refuses %s", async (url) => {
    expect(isPrivateTarget(url)).toBe(true);
  });

  it.each(["https://hooks.example.com/x", "https://93.184.216.34/", "https://[2606:2800:220:1:248:1893:25c8:1946]/"])("allows %s", async (url) => {
    expect(isPrivateTarget(url)).toBe(false);
  });
});

describe("an attempt through the public-only network", () => {
  // workerd refuses a non-public address with "internal error; reference = …", as it does a name that does not resolve.
  const refusing = { publicOnly: true, fetch: async () => Promise.reject(new Error("internal error; reference = abc123")) };

  it("records a refused connection as a failure naming private addresses, with no response and none of the runtime's words", async () => {
    const result = await attempt("http://looks-public.example:8080/internal", {}, "{}", refusing);
    expect(result).toMatchObject({ status: null, error: PUBLIC_ONLY_FAILURE, response: null });
    expect(result.error).not.toContain("reference");
    expect(verdict(result, 1, 0).outcome).toBe("retry");
  });

  it("records an answer as any other (a public receiver)", async () => {
    const answering = { publicOnly: true, fetch: async () => new Response("ok", { status: 200 }) };
    expect(await attempt("https://hooks.example.com/x", {}, "{}", answering)).toMatchObject({ status: 200, error: null, response: "ok" });
  });
});

describe("delivery verdicts", () => {
  const result = (status: number | null, retryAfterMs: number | null = null) => ({ status, error: status === null ? "connection refused" : null, response: null, durationMs: 1, retryAfterMs });

  it("delivers on 2xx, disables on 410, fails other 4xx at once", () => {
    expect(verdict(result(204), 1, 0)).toEqual({ outcome: "delivered" });
    expect(verdict(result(410), 1, 0)).toEqual({ outcome: "gone" });
    expect(verdict(result(400), 1, 0)).toEqual({ outcome: "failed" });
    expect(verdict(result(302), 1, 0)).toEqual({ outcome: "failed" });
  });

  it("retries network errors, 408, 429 and 5xx on the schedule, then gives up", () => {
    for (const status of [null, 408, 429, 500, 503]) expect(verdict(result(status), 1, 0).outcome).toBe("retry");
    const waits = RETRY_SCHEDULE_MS.slice(1).map((ms, i) => {
      const next = verdict(result(500), i + 1, 0);
      return next.outcome === "retry" ? next.nextAttemptAt / ms : NaN;
    });
    for (const ratio of waits) expect(ratio).toBeGreaterThanOrEqual(0.9), expect(ratio).toBeLessThanOrEqual(1.1);
    expect(verdict(result(500), RETRY_SCHEDULE_MS.length, 0)).toEqual({ outcome: "failed" });
  });

  it("reads Retry-After from a 429 or 503 answer, and from no other", async () => {
    const answering = (status: number) => ({ publicOnly: false, fetch: async () => new Response("", { status, headers: { "Retry-After": "120" } }) });
    for (const status of [429, 503]) expect((await attempt("https://hooks.example.com/x", {}, "{}", answering(status))).retryAfterMs).toBe(120_000);
    for (const status of [200, 500]) expect((await attempt("https://hooks.example.com/x", {}, "{}", answering(status))).retryAfterMs).toBeNull();
  });

  it("waits at least Retry-After on 429 and 503", () => {
    const next = verdict(result(429, 600_000), 1, 0);
    expect(next.outcome === "retry" && next.nextAttemptAt).toBe(600_000);
  });
});
