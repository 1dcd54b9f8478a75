import { appActor } from "../../../../core/actors.ts";
import { appRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, pageSchema } from "../../../lib/schemas.ts";
import { page } from "../../../lib/envelope.ts";
import { pageQuery } from "../../../lib/pagination.ts";
import { AuditEntrySchema } from "../audit/schema.ts";

const route = appRoute("audit:read", {
  method: "get",
  path: "/{app}/audit",
  tags: ["logs"],
  summary: "Audit log of one app, from the app's own database",
  request: { query: pageQuery() },
  responses: {
    200: { description: "Newest first", content: { "application/json": { schema: pageSchema(AuditEntrySchema) } } },
    ...commonErrorResponses,
  },
});

export const registerAppAudit = (app: App) =>
  app.openapi(route, async (c) => {
    const { app: name } = c.req.valid("param");
    const { limit, offset } = c.req.valid("query");
    const { entries, total } = await appActor(c.env, name).listAudit(limit, offset);
    return page(c, entries, total, limit, offset);
  });
