import { swaggerUI } from "@hono/swagger-ui";
import pkg from "../../../../package.json" with { type: "json" };
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../lib/context.ts";

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
  api.doc31("/openapi.json", openApiDocument);
  api.get("/docs", swaggerUI({ url: OPENAPI_PATH, title: "StreamHub API" }));
}
