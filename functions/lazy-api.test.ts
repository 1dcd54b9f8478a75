// The REST API's route table is mounted on demand (functions/index.ts). Its own
// file, so that this isolate starts with nothing mounted: what happens before
// the API is loaded must not stick after it. These requests go to the app with
// no execution context, so no answer starts the background load
// (lazy-api-preload.test.ts covers that).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import app from "./index.ts";

const apiRoutes = () => app.routes.filter((route) => route.method !== "ALL" && route.path.startsWith("/api/v1/apps")).length;

describe("the REST API, mounted on demand", () => {
  it("is not in the route table until a request needs it; health answers without it", async () => {
    expect(apiRoutes()).toBe(0);
    expect((await app.request("/api/v1/health", {}, env)).status).toBe(200);
    expect(apiRoutes()).toBe(0);
    // An unknown path answered before the API is loaded (the 404/405 table is built here)…
    expect((await app.request("/nothing-here", { method: "POST" }, env)).status).toBe(404);
    expect(apiRoutes()).toBe(0);
    // …does not keep the API's paths from their 405 once the first API request has loaded it.
    const wrongMethod = await app.request("/api/v1/apps", { method: "PUT" }, env);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("Allow")).toBe("GET, POST, HEAD");
    expect(apiRoutes()).toBeGreaterThan(10);
  });
});
