import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { refusePrivate } from "./refuse-private.ts";
import { EndpointParams, EndpointSchema, UpdateEndpointBody } from "./schema.ts";

const route = appRoute("config:write", {
  method: "patch",
  path: "/{id}",
  tags: ["webhooks"],
  summary: "Change a webhook endpoint (enabling it again clears its failure state)",
  request: { params: EndpointParams, body: { required: true, content: { "application/json": { schema: UpdateEndpointBody } } } },
  responses: { 200: { description: "The endpoint", content: { "application/json": { schema: envelopeSchema(EndpointSchema) } } }, 404: errorResponse("No such endpoint"), ...commonErrorResponses },
});

export const registerWebhooksUpdate = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    if (body.url) await refusePrivate(c.get("config"), body.url);
    const endpoint = await appActor(c.env, c.get("app").name).updateWebhookEndpoint(id, body);
    if (!endpoint) throw new ApiError("webhook_not_found", `webhook endpoint "${id}" not found`);
    return ok(c, endpoint);
  });
