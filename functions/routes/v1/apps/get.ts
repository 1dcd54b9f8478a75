import { appRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { AppRecordSchema, toAppView } from "./schema.ts";

// The app itself is loaded and checked against the caller by `authorize`.

const route = appRoute("app:read", {
  method: "get",
  path: "/{app}",
  tags: ["apps"],
  summary: "Get an app",
  responses: {
    200: { description: "The app", content: { "application/json": { schema: envelopeSchema(AppRecordSchema) } } },
    ...commonErrorResponses,
  },
});

export const registerAppsGet = (app: App) =>
  app.openapi(route, async (c) => ok(c, toAppView(c.get("app"))));
