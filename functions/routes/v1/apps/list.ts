import { registry } from "../../../lib/actors.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, page, pageSchema } from "../../../lib/envelope.ts";
import { AppRecordSchema, ListAppsQuery } from "./schema.ts";

const route = protectedRoute("app:read", {
  method: "get",
  path: "/api/v1/apps",
  tags: ["apps"],
  summary: "List apps",
  request: { query: ListAppsQuery },
  responses: {
    200: { description: "A page of apps, oldest first", content: { "application/json": { schema: pageSchema(AppRecordSchema) } } },
    ...commonErrorResponses,
  },
});

export const registerAppsList = (app: App) =>
  app.openapi(route, async (c) => {
    const { limit, offset } = c.req.valid("query");
    const { apps, total } = await registry(c.env).listApps(limit, offset);
    return page(c, apps, total, limit, offset);
  });
