import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { EndpointParams } from "./schema.ts";

const route = appRoute("config:write", {
  method: "delete",
  path: "/{id}",
  tags: ["webhooks"],
  summary: "Remove a webhook endpoint with its queue and log",
  request: { params: EndpointParams },
  responses: { 200: { description: "Removed", content: { "application/json": { schema: envelopeSchema(z.object({ id: z.string(), deleted: z.literal(true) })) } } }, 404: errorResponse("No such endpoint"), ...commonErrorResponses },
});

export const registerWebhooksDelete = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await appActor(c.env, c.get("app").name).deleteWebhookEndpoint(id))) throw new ApiError("webhook_not_found", `webhook endpoint "${id}" not found`);
    return ok(c, { id, deleted: true as const });
  });
