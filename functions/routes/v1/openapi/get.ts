import { swaggerUI } from "@hono/swagger-ui";
import pkg from "../../../../package.json" with { type: "json" };
import type { App } from "../../../lib/app.ts";

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

/** The OpenAPI 3.1 document, generated from the registered routes, and Swagger UI over it. */
export function registerOpenApi(app: App) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "A StreamHub `sk_` API token",
  });
  app.doc31(OPENAPI_PATH, openApiDocument);
  app.get("/api/v1/docs", swaggerUI({ url: OPENAPI_PATH, title: "StreamHub API" }));
}
