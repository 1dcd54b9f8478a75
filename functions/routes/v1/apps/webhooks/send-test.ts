import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { EndpointParams } from "./schema.ts";

const route = appRoute("config:write", {
  method: "post",
  path: "/{id}/test",
  tags: ["webhooks"],
  summary: "Send a webhook.test ping to the endpoint now",
  request: { params: EndpointParams },
  responses: { 202: { description: "Queued and attempted", content: { "application/json": { schema: envelopeSchema(z.object({ deliveryId: z.string() })) } } }, 404: errorResponse("No such endpoint"), ...commonErrorResponses },
});

export const registerWebhooksSendTest = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const deliveryId = await appActor(c.env, c.get("app").name).testWebhookEndpoint(id);
    if (!deliveryId) throw new ApiError("webhook_not_found", `webhook endpoint "${id}" not found`);
    return c.json({ data: { deliveryId }, error: null }, 202);
  });
