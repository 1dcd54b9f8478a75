import pkg from "../../../../package.json" with { type: "json" };
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../lib/context.ts";
import { enrich } from "./enrich.ts";

export const OPENAPI_PATH = "/api/v1/openapi.json";

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "StreamHub API",
    version: pkg.version,
    description:
      "The management API of StreamHub over LiveKit. Every JSON body is `{data, error}`; failures carry `error.code`, `error.message` and `error.requestId`.",
  },
  servers: [{ url: "/" }],
};

/** Where selfhost/build-docs-viewer.ts puts Swagger UI (served by the /sdk route). */
const VIEWER = "/sdk/api-docs";

/**
 * The API's docs, viewed with Swagger UI from this node's own assets: nothing
 * is loaded from another origin, so the page works without internet.
 */
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>StreamHub API</title>
<link rel="stylesheet" href="${VIEWER}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="${OPENAPI_PATH}"></div>
<script src="${VIEWER}/swagger-ui-bundle.js"></script>
<script src="${VIEWER}/init.js"></script>
</body>
</html>
`;

// Swagger UI sets inline styles and shows inline SVG and data: images; everything else is this origin's.
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The OpenAPI 3.1 document, generated from the routes of `api`, and Swagger UI
 * over it. Registered on the API itself rather than mounted: the document is
 * built from the registry of the app that serves it.
 */
export function registerOpenApi(api: OpenAPIHono<AppEnv, {}, "/api/v1">) {
  api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "A StreamHub `sk_` API token",
  });
  // Node agents' routes (lib/app.ts agentRoute).
  api.openAPIRegistry.registerComponent("securitySchemes", "clusterToken", { type: "apiKey", in: "header", name: "X-Cluster-Token" });
  // Built once per isolate, at its first request: the routes do not change while it runs.
  let document: Record<string, unknown> | undefined;
  api.get("/openapi.json", (c) => {
    document ??= enrich(api.getOpenAPI31Document(openApiDocument) as unknown as Record<string, unknown>);
    return c.json(document);
  });
  api.get("/docs", (c) => {
    c.header("Content-Security-Policy", DOCS_CSP);
    c.header("X-Content-Type-Options", "nosniff");
    return c.html(DOCS_PAGE);
  });
}
