import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse, ok } from "../../../lib/envelope.ts";
import { AppParams, AppRecordSchema } from "./schema.ts";

// The app itself is loaded and checked against the caller by `authorize`.

const route = protectedRoute("app:read", {
  method: "get",
  path: "/api/v1/apps/{app}",
  tags: ["apps"],
  summary: "Get an app",
  request: { params: AppParams },
  responses: {
    200: { description: "The app", content: { "application/json": { schema: envelopeSchema(AppRecordSchema) } } },
    404: errorResponse("No such app (or not visible to the caller)"),
    ...commonErrorResponses,
  },
});

export const registerAppsGet = (app: App) =>
  app.openapi(route, async (c) => ok(c, c.var.app));
