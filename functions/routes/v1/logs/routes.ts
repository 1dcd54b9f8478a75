import { z } from "@hono/zod-openapi";
import { appActor, registry } from "../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, errorResponse, page, pageSchema } from "../../../lib/envelope.ts";
import { isoTime, pageQuery } from "../../../lib/pagination.ts";
import { AppParams } from "../apps/schema.ts";

// The server log (authorization and quota decisions) and the audit log of
// mutating calls. Non-superadmins see their own tenant's rows only.

const ServerLogSchema = z
  .object({ id: z.number().int(), ts: z.string(), level: z.string(), source: z.string(), tenantId: z.string().nullable(), appId: z.string().nullable(), message: z.string(), metaJson: z.string() })
  .openapi("ServerLog");

const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    ts: z.string(),
    actor: z.string(),
    via: z.string().nullable(),
    tenantId: z.string().nullable().optional(),
    app: z.string().nullable().optional(),
    method: z.string(),
    path: z.string(),
    status: z.number().int(),
    ip: z.string().nullable(),
    requestId: z.string(),
  })
  .openapi("AuditEntry");

const LogsQuery = pageQuery().extend({
  app: z.string().max(64).optional().openapi({ param: { name: "app", in: "query" } }),
  level: z.enum(["debug", "info", "warn", "error"]).optional().openapi({ param: { name: "level", in: "query" } }),
  source: z.string().max(64).optional().openapi({ param: { name: "source", in: "query" } }),
  q: z.string().max(200).optional().openapi({ param: { name: "q", in: "query" } }),
  since: isoTime.optional().openapi({ param: { name: "since", in: "query" } }),
  until: isoTime.optional().openapi({ param: { name: "until", in: "query" } }),
});

const AppLogsQuery = LogsQuery.omit({ app: true });

const PageQuery = pageQuery();

const AuditQuery = PageQuery.extend({ app: z.string().max(64).optional().openapi({ param: { name: "app", in: "query" } }) });

const logsRoute = protectedRoute("log:read", {
  method: "get",
  path: "/api/v1/logs",
  tags: ["logs"],
  summary: "Server log: authorization and quota decisions (WOULD-DENY in log mode), operational events",
  request: { query: LogsQuery },
  responses: { 200: { description: "Newest first", content: { "application/json": { schema: pageSchema(ServerLogSchema) } } }, ...commonErrorResponses },
});

const appLogsRoute = protectedRoute("usage:read", {
  method: "get",
  path: "/api/v1/apps/{app}/logs",
  tags: ["logs"],
  summary: "Server log of one app",
  request: { params: AppParams, query: AppLogsQuery },
  responses: {
    200: { description: "Newest first", content: { "application/json": { schema: pageSchema(ServerLogSchema) } } },
    404: errorResponse("No such app (or not visible to the caller)"),
    ...commonErrorResponses,
  },
});

const auditRoute = protectedRoute("audit:read", {
  method: "get",
  path: "/api/v1/audit",
  tags: ["logs"],
  summary: "Audit log of every mutating call (owners: their tenant; superadmins: all)",
  request: { query: AuditQuery },
  responses: { 200: { description: "Newest first", content: { "application/json": { schema: pageSchema(AuditEntrySchema) } } }, ...commonErrorResponses },
});

const appAuditRoute = protectedRoute("audit:read", {
  method: "get",
  path: "/api/v1/apps/{app}/audit",
  tags: ["logs"],
  summary: "Audit log of one app, from the app's own database",
  request: { params: AppParams, query: PageQuery },
  responses: {
    200: { description: "Newest first", content: { "application/json": { schema: pageSchema(AuditEntrySchema) } } },
    404: errorResponse("No such app (or not visible to the caller)"),
    ...commonErrorResponses,
  },
});

export function registerLogs(app: App) {
  app.openapi(logsRoute, async (c) => {
    const { limit, offset, ...filter } = c.req.valid("query");
    const auth = c.var.auth;
    const scoped = auth.isSuperadmin ? filter : { ...filter, tenantId: auth.tenantId ?? "", ...(auth.scope === "app" ? { app: auth.appName ?? "" } : {}) };
    const { logs, total } = await registry(c.env).listLogs(scoped, limit, offset);
    return page(c, logs, total, limit, offset);
  });

  app.openapi(appLogsRoute, async (c) => {
    const { app: name } = c.req.valid("param");
    const { limit, offset, ...filter } = c.req.valid("query");
    const { logs, total } = await registry(c.env).listLogs({ ...filter, app: name }, limit, offset);
    return page(c, logs, total, limit, offset);
  });

  app.openapi(auditRoute, async (c) => {
    const { limit, offset, app: appFilter } = c.req.valid("query");
    const auth = c.var.auth;
    const filter = auth.isSuperadmin ? { app: appFilter } : { tenantId: auth.tenantId ?? "", app: appFilter };
    const { entries, total } = await registry(c.env).listAudit(filter, limit, offset);
    return page(c, entries, total, limit, offset);
  });

  app.openapi(appAuditRoute, async (c) => {
    const { app: name } = c.req.valid("param");
    const { limit, offset } = c.req.valid("query");
    const { entries, total } = await appActor(c.env, name).listAudit(limit, offset);
    return page(c, entries, total, limit, offset);
  });
}
