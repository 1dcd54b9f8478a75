import { appList } from "../../../lib/app-records.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, pageSchema } from "../../../lib/schemas.ts";
import { page } from "../../../lib/envelope.ts";
import { AppRecordSchema, ListAppsQuery, toAppView } from "./schema.ts";

const route = protectedRoute("app:read", {
  method: "get",
  path: "/",
  tags: ["apps"],
  summary: "List apps",
  description: "Superadmins and global tokens see every app; members see their tenant's; an app-scoped token sees its own app.",
  request: { query: ListAppsQuery },
  responses: {
    200: { description: "A page of apps, oldest first", content: { "application/json": { schema: pageSchema(AppRecordSchema) } } },
    ...commonErrorResponses,
  },
});

export const registerAppsList = (app: App) =>
  app.openapi(route, async (c) => {
    const { limit, offset } = c.req.valid("query");
    const auth = c.get("auth");
    const filter =
      auth.scope === "app" ? { appId: auth.appId ?? -1 } : auth.isSuperadmin ? {} : { tenantId: auth.tenantId ?? "" };
    const { apps, total } = await appList(c.env, filter, limit, offset);
    return page(c, apps.map(toAppView), total, limit, offset);
  });
