import { describe, expect, it } from "vitest";
import app from "../../../index.ts";
import { PERMISSION_EXTENSION } from "../../../lib/app.ts";
import { api } from "../../../testing.ts";

/** Every method+path the Worker routes, in OpenAPI spelling (`:app` → `{app}`). */
const registeredRoutes = () =>
  app.routes
    .filter((route) => route.method !== "ALL" && route.path !== "*" && route.path !== "/*")
    .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`);

// Served outside the document on purpose: the document itself, its viewer, the
// HLS files players fetch (outside /api, described in the playlist URLs the API
// returns), the sample pages (outside /api, their `embedUrl`s listed by the API),
// and Prometheus' /metrics. All of these are described in the document's text
// (`x-streamhub-public-routes`), not as operations.
const UNDOCUMENTED = new Set([
  "get /api/v1/openapi.json",
  "get /api/v1/docs",
  "get /hls/{app}/{room}/{file}",
  "get /samples/{app}/{file}",
  "get /sdk/*",
  "get /play/{app}/{room}",
  "get /embed/{app}/{room}",
  "get /metrics",
]);

/** The fields of an OpenAPI 3.1 Operation Object (besides `x-` extensions). */
const OPERATION_FIELDS = new Set(["tags", "summary", "description", "externalDocs", "operationId", "parameters", "requestBody", "responses", "callbacks", "deprecated", "security", "servers"]);

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 and lists every registered route, each with its permission", async () => {
    const response = await api("GET", "/api/v1/openapi.json", { token: null });
    expect(response.status).toBe(200);
    const doc = response.body;
    expect(doc.openapi).toBe("3.1.0");

    const documented = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    const routes = registeredRoutes().filter((route) => !UNDOCUMENTED.has(route));
    expect(routes.length).toBeGreaterThanOrEqual(6);
    expect(new Set(documented)).toEqual(new Set(routes));

    for (const [, operations] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const operation of Object.values(operations)) {
        // Nothing of how a route is served (its middleware, say) leaks into its description.
        for (const field of Object.keys(operation)) expect(OPERATION_FIELDS.has(field) || field.startsWith("x-"), field).toBe(true);
        expect(operation[PERMISSION_EXTENSION]).toMatch(/^(public|authenticated|superadmin|livekit-signature|cluster-token|[a-z0-9]+:[a-z]+)$/);
        expect(operation.responses).toBeTypeOf("object");
      }
    }
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: "http", scheme: "bearer" }));
  });

  it("serves Swagger UI over the document", async () => {
    const response = await api("GET", "/api/v1/docs", { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    expect(String(response.body)).toContain("/api/v1/openapi.json");
  });
});
