import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { EndpointParams, EndpointSchema } from "./schema.ts";

const route = appRoute("config:read", {
  method: "get",
  path: "/{id}",
  tags: ["webhooks"],
  summary: "Get a webhook endpoint",
  request: { params: EndpointParams },
  responses: { 200: { description: "The endpoint", content: { "application/json": { schema: envelopeSchema(EndpointSchema) } } }, 404: errorResponse("No such endpoint"), ...commonErrorResponses },
});

export const registerWebhooksGet = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const endpoint = await appActor(c.env, c.get("app").name).getWebhookEndpoint(id);
    if (!endpoint) throw new ApiError("webhook_not_found", `webhook endpoint "${id}" not found`);
    return ok(c, endpoint);
  });
