import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("GET /api/v1/health", () => {
  it("answers without credentials, with storage ok and LiveKit (the stand-in) reachable", async () => {
    const response = await SELF.fetch("http://streamhub.test/api/v1/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Request-Id")).toMatch(/^req_/);
    const body = await response.json<any>();
    expect(body.error).toBeNull();
    expect(body.data).toMatchObject({ status: "ok", up: true, storage: { ok: true }, livekit: { reachable: true } });
    expect(body.data.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Number.isInteger(body.data.uptimeSeconds)).toBe(true);
  });
});
