import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { api } from "../../testing.ts";
import { jsonBody } from "./index.ts";
import { MAX_JSON_DEPTH, MAX_JSON_ELEMENTS } from "./shape.ts";

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const json = { "Content-Type": "application/json" };

describe("JSON bodies too deep or too large in values", () => {
  it("refuses 1 MB of nesting with 400 json_too_complex, before authentication matters", async () => {
    const body = nested(500_000);
    for (const token of [null, "sk_not_a_real_token"]) {
      const response = await api("POST", "/api/v1/apps", { token, body, headers: json });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("json_too_complex");
    }
  });

  it("refuses nesting one past the limit on a public route too", async () => {
    const response = await api("POST", "/api/v1/auth/login", { token: null, body: `{"user":${nested(MAX_JSON_DEPTH)}}`, headers: json });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("json_too_complex");
  });

  it("refuses more values than the limit", async () => {
    const body = `{"name":[${Array.from({ length: MAX_JSON_ELEMENTS }, () => "1").join(",")}]}`;
    const response = await api("POST", "/api/v1/apps", { body, headers: json });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("json_too_complex");
  });

  it("takes bodies within the limits, brackets and commas inside strings not counted", async () => {
    const brackets = "[[[[{{{{,,,,".repeat(2_000);
    const response = await api("POST", "/api/v1/apps", { body: JSON.stringify({ name: 7, displayName: brackets }), headers: json });
    // Validation, not the shape check, refuses it: the brackets were inside a string.
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
    const escaped = await api("POST", "/api/v1/apps", { body: `{"name":7,"displayName":"\\\\\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}`, headers: json });
    expect(escaped.body.error.code).toBe("validation_failed");
  });
});

describe("a JSON body read once", () => {
  const app = new Hono();
  app.use("*", jsonBody({ maxBytes: () => 64 }));
  app.post("/", async (c) => {
    const [first, second] = [await c.req.json(), await c.req.json()];
    return c.json({ same: first === second, value: first, text: await c.req.text() });
  });
  app.onError((error, c) => c.json({ error: error.message }, 400));

  it("is parsed once, whether its length is declared or it comes in chunks", async () => {
    const body = JSON.stringify({ room: "lobby" });
    for (const sent of [body, new Blob([body]).stream()]) {
      const response = await app.request("/", { method: "POST", body: sent, headers: { "Content-Type": "application/json" } });
      expect(await response.json()).toEqual({ same: true, value: { room: "lobby" }, text: body });
    }
  });

  it("is refused past the limit, declared or counted as it streams in", async () => {
    const body = JSON.stringify({ room: "x".repeat(100) });
    for (const sent of [body, new Blob([body]).stream()]) {
      const response = await app.request("/", { method: "POST", body: sent, headers: { "Content-Type": "application/json" } });
      expect(await response.json()).toEqual({ error: "request body is larger than 64 bytes" });
    }
  });
});

describe("a request without a body", () => {
  const app = new Hono<{ Variables: { jsonBody: unknown } }>();
  app.use("*", jsonBody({ maxBytes: () => 64 }));
  app.post("/", (c) => c.json({ parsed: c.get("jsonBody") ?? null }));
  app.onError((error, c) => c.json({ error: error.message }, 400));

  it("passes through whatever its type, whether its length is declared 0 or it has none", async () => {
    // An action such as "stop" is posted without a body; clients declare it as length 0 or not at all.
    for (const headers of [{ "Content-Length": "0", "Content-Type": "text/plain" }, { "Content-Type": "text/plain" }, {}] as Record<string, string>[]) {
      const response = await app.request("/", { method: "POST", headers });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ parsed: null });
    }
  });
});
