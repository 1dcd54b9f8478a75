import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { config } from "../middleware/config/index.ts";
import { requestId } from "../middleware/request-id/index.ts";
import { Hono } from "hono";
import type { AppEnv } from "./context.ts";
import { notFound, onError } from "./error-handlers.ts";

/** A tiny app wired like functions/index.ts, with routes that fail on purpose. */
function failingApp() {
  const app = new Hono<AppEnv>();
  app.use("*", requestId());
  app.use("*", config());
  app.get("/boom", () => {
    throw new Error("database password is hunter2");
  });
  app.get("/ok", (c) => c.json({ data: "fine", error: null }));
  app.notFound(notFound(app));
  app.onError(onError);
  return app;
}

afterEach(() => vi.restoreAllMocks());

describe("the error boundary", () => {
  it("answers an unexpected error with a generic 500 and logs the cause with the request id", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await failingApp().request("/boom", {}, env);
    expect(response.status).toBe(500);
    const body = await response.json<any>();
    expect(body.data).toBeNull();
    expect(body.error.code).toBe("internal_error");
    expect(JSON.stringify(body)).not.toContain("hunter2");
    expect(body.error.requestId).toBe(response.headers.get("X-Request-Id"));

    const line = JSON.parse(String(logged.mock.calls[0]?.[0]));
    expect(line).toMatchObject({ level: "error", requestId: body.error.requestId, path: "/boom", cause: "database password is hunter2" });
  });

  it("answers a misconfigured node with 503 naming the variable, never its value", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = { ...env, STREAMHUB_SECRET_KEY: "too-short", STREAMHUB_AUTHZ_ENFORCE: "sometimes" };
    const response = await failingApp().request("/ok", {}, broken);
    expect(response.status).toBe(503);
    const body = await response.json<any>();
    expect(body.error.code).toBe("misconfigured");
    expect(body.error.message).toContain("STREAMHUB_SECRET_KEY");
    expect(body.error.message).toContain("STREAMHUB_AUTHZ_ENFORCE");
    expect(body.error.message).not.toContain("too-short");
  });
});
