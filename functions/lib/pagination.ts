import { z } from "@hono/zod-openapi";

/** `?limit=&offset=` of every paged list (the `Pg` body): limit 1…max, offset ≥ 0. */
export const pageQuery = (options: { defaultLimit: number; maxLimit: number } = { defaultLimit: 100, maxLimit: 1000 }) =>
  z.object({
    limit: z.coerce.number().int().min(1).max(options.maxLimit).default(options.defaultLimit).openapi({ param: { name: "limit", in: "query" } }),
    offset: z.coerce.number().int().min(0).default(0).openapi({ param: { name: "offset", in: "query" } }),
  });

/** A `since`/`until` query value. */
export const isoTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 time" });
