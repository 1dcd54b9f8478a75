import { registry } from "../../../../core/actors.ts";
import { newApp, protectedRoute } from "../../../lib/app.ts";
import { commonErrorResponses, pageSchema } from "../../../lib/schemas.ts";
import { page } from "../../../lib/envelope.ts";
import { AuditEntrySchema, AuditQuery } from "./schema.ts";

// The audit log of every mutating call (middleware/audit). Owners see their
// tenant's rows, superadmins all. One app's, from its own database: apps/audit.ts.

const route = protectedRoute("audit:read", {
  method: "get",
  path: "/",
  tags: ["logs"],
  summary: "Audit log of every mutating call (owners: their tenant; superadmins: all)",
  request: { query: AuditQuery },
  responses: { 200: { description: "Newest first", content: { "application/json": { schema: pageSchema(AuditEntrySchema) } } }, ...commonErrorResponses },
});

/** /api/v1/audit */
export const auditApi = newApp();

auditApi.openapi(route, async (c) => {
  const { limit, offset, app: appFilter } = c.req.valid("query");
  const auth = c.get("auth");
  const filter = auth.isSuperadmin ? { app: appFilter } : { tenantId: auth.tenantId ?? "", app: appFilter };
  const { entries, total } = await registry(c.env).listAudit(filter, limit, offset);
  return page(c, entries, total, limit, offset);
});
