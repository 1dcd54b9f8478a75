// The REST API's route table is mounted by the first request that needs it
// (functions/index.ts). Its own file, so that this isolate starts with nothing
// mounted: what happens before the API is loaded must not stick after it.
import { describe, expect, it } from "vitest";
import app from "./index.ts";
import { api } from "./testing.ts";

describe("the REST API, mounted on demand", () => {
  it("is not in the route table until a request needs it; health answers without it", async () => {
    const apiRoutes = () => app.routes.filter((route) => route.method !== "ALL" && route.path.startsWith("/api/v1/apps")).length;
    expect(apiRoutes()).toBe(0);
    expect((await api("GET", "/api/v1/health")).status).toBe(200);
    expect(apiRoutes()).toBe(0);
    // An unknown path answered before the API is loaded (the 404/405 table is built here)…
    expect((await api("POST", "/nothing-here")).status).toBe(404);
    // …does not keep the API's paths from their 405 once the first API request has loaded it.
    const wrongMethod = await api("PUT", "/api/v1/apps");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("Allow")).toBe("GET, POST, HEAD");
    expect(apiRoutes()).toBeGreaterThan(10);
  });
});
