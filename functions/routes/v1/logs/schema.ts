import { z } from "@hono/zod-openapi";
import { isoTime, pageQuery } from "../../../lib/pagination.ts";

export const ServerLogSchema = z
  .object({ id: z.number().int(), ts: z.string(), level: z.string(), source: z.string(), tenantId: z.string().nullable(), appId: z.string().nullable(), message: z.string(), metaJson: z.string() })
  .openapi("ServerLog");

export const LogsQuery = pageQuery().extend({
  app: z.string().max(64).optional().openapi({ param: { name: "app", in: "query" } }),
  level: z.enum(["debug", "info", "warn", "error"]).optional().openapi({ param: { name: "level", in: "query" } }),
  source: z.string().max(64).optional().openapi({ param: { name: "source", in: "query" } }),
  q: z.string().max(200).optional().openapi({ param: { name: "q", in: "query" } }),
  since: isoTime.optional().openapi({ param: { name: "since", in: "query" } }),
  until: isoTime.optional().openapi({ param: { name: "until", in: "query" } }),
});
