import { registry } from "../../../../core/actors.ts";
import { appRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, pageSchema } from "../../../lib/schemas.ts";
import { page } from "../../../lib/envelope.ts";
import { LogsQuery, ServerLogSchema } from "../logs/schema.ts";

const route = appRoute("usage:read", {
  method: "get",
  path: "/{app}/logs",
  tags: ["logs"],
  summary: "Server log of one app",
  request: { query: LogsQuery.omit({ app: true }) },
  responses: {
    200: { description: "Newest first", content: { "application/json": { schema: pageSchema(ServerLogSchema) } } },
    ...commonErrorResponses,
  },
});

export const registerAppLogs = (app: App) =>
  app.openapi(route, async (c) => {
    const { app: name } = c.req.valid("param");
    const { limit, offset, ...filter } = c.req.valid("query");
    const { logs, total } = await registry(c.env).listLogs({ ...filter, app: name }, limit, offset);
    return page(c, logs, total, limit, offset);
  });
