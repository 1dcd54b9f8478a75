import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { BOOTSTRAP_TOKEN, createApp } from "../testing.ts";

/** Calls the Worker with some of its environment replaced (another LiveKit, other keys). */
async function withEnv(overrides: Record<string, string>, method: string, path: string, json?: unknown) {
  const worker = (await import("../index.ts")).default;
  const response = await worker.request(
    path,
    {
      method,
      headers: { Authorization: `Bearer ${BOOTSTRAP_TOKEN}`, ...(json === undefined ? {} : { "Content-Type": "application/json" }) },
      body: json === undefined ? undefined : JSON.stringify(json),
      cf: { clientIp: "198.51.100.7:1" },
    } as RequestInit,
    { ...env, ...overrides },
  );
  return { status: response.status, body: (await response.json()) as any };
}

describe("LiveKit failures name their cause", () => {
  it("a LiveKit that does not answer is 503 livekit_unreachable, saying where, without runtime internals", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const app = await createApp();
    const response = await withEnv({ LIVEKIT_URL: "http://127.0.0.1:9" }, "POST", `/api/v1/apps/${app.name}/ingress`, { inputType: "rtmp" });
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe("livekit_unreachable");
    expect(response.body.error.message).toContain("127.0.0.1:9");
    expect(response.body.error.message).not.toMatch(/internal error|reference =/);
  });

  it("a LiveKit that refuses StreamHub's keys is 502 livekit_failed carrying LiveKit's reason", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const app = await createApp();
    const response = await withEnv({ LIVEKIT_API_SECRET: "not-the-livekit-secret-0123456789abcdef" }, "POST", `/api/v1/apps/${app.name}/ingress`, { inputType: "rtmp" });
    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe("livekit_failed");
    expect(response.body.error.details).toMatchObject({ status: 401, code: "unauthenticated", reason: "invalid token" });
    expect(response.body.error.message).toContain("invalid token");
  });
});

describe("health with a LiveKit that does not answer", () => {
  it("is degraded, with the reason", async () => {
    const response = await withEnv({ LIVEKIT_URL: "http://127.0.0.1:9" }, "GET", "/api/v1/health");
    expect(response.status).toBe(200);
    expect(response.body.data.status).toBe("degraded");
    expect(response.body.data.livekit).toMatchObject({ reachable: false });
    expect(response.body.data.reasons).toEqual([expect.stringMatching(/^the configured LiveKit \(LIVEKIT_URL\) does not answer \(/)]);
  });
});
