import { registry } from "../../../../core/actors.ts";
import { newApp, protectedRoute } from "../../../lib/app.ts";
import { commonErrorResponses, pageSchema } from "../../../lib/schemas.ts";
import { page } from "../../../lib/envelope.ts";
import { LogsQuery, ServerLogSchema } from "./schema.ts";

// The server log: authorization and quota decisions, operational events.
// Non-superadmins see their own tenant's rows only. One app's: apps/logs.ts.

const route = protectedRoute("log:read", {
  method: "get",
  path: "/",
  tags: ["logs"],
  summary: "Server log: authorization and quota decisions (WOULD-DENY in log mode), operational events",
  request: { query: LogsQuery },
  responses: { 200: { description: "Newest first", content: { "application/json": { schema: pageSchema(ServerLogSchema) } } }, ...commonErrorResponses },
});

/** /api/v1/logs */
export const logsApi = newApp();

logsApi.openapi(route, async (c) => {
  const { limit, offset, ...filter } = c.req.valid("query");
  const auth = c.get("auth");
  const scoped = auth.isSuperadmin ? filter : { ...filter, tenantId: auth.tenantId ?? "", ...(auth.scope === "app" ? { app: auth.appName ?? "" } : {}) };
  const { logs, total } = await registry(c.env).listLogs(scoped, limit, offset);
  return page(c, logs, total, limit, offset);
});
