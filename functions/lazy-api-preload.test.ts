// Its own file, so that this isolate starts with the REST API not yet loaded.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import app from "./index.ts";

const apiRoutes = () => app.routes.filter((route) => route.method !== "ALL" && route.path.startsWith("/api/v1/apps")).length;

describe("the REST API's route table after a start", () => {
  it("is loaded in the background after the first answer that did not need it, not before that answer", async () => {
    expect(apiRoutes()).toBe(0);
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request("http://streamhub.test/api/v1/health"), env, ctx);
    expect(response.status).toBe(200);
    // The answer did not wait for it.
    expect(apiRoutes()).toBe(0);
    await waitOnExecutionContext(ctx);
    expect(apiRoutes()).toBeGreaterThan(10);
  });
});
