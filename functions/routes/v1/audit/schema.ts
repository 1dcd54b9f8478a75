import { z } from "@hono/zod-openapi";
import { pageQuery } from "../../../lib/pagination.ts";

export const AuditEntrySchema = z
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

export const AuditQuery = pageQuery().extend({ app: z.string().max(64).optional().openapi({ param: { name: "app", in: "query" } }) });
