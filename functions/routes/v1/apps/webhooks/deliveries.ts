import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse, pageSchema } from "../../../../lib/schemas.ts";
import { ok, page } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { DeliveriesQuery, DeliveryDetailSchema, DeliveryParams, DeliverySchema, EndpointParams } from "./schema.ts";

// An endpoint's delivery log: every event sent to it, each attempt, and replays.

const listRoute = appRoute("config:read", {
  method: "get",
  path: "/{id}/deliveries",
  tags: ["webhooks"],
  summary: "The endpoint's delivery log (filter failed ones with status=failed)",
  request: { params: EndpointParams, query: DeliveriesQuery },
  responses: { 200: { description: "Newest first", content: { "application/json": { schema: pageSchema(DeliverySchema) } } }, 404: errorResponse("No such endpoint"), ...commonErrorResponses },
});

const getRoute = appRoute("config:read", {
  method: "get",
  path: "/{id}/deliveries/{deliveryId}",
  tags: ["webhooks"],
  summary: "One delivery with its body and every attempt",
  request: { params: DeliveryParams },
  responses: { 200: { description: "The delivery", content: { "application/json": { schema: envelopeSchema(DeliveryDetailSchema) } } }, 404: errorResponse("No such delivery"), ...commonErrorResponses },
});

const replayRoute = appRoute("config:write", {
  method: "post",
  path: "/{id}/deliveries/{deliveryId}/replay",
  tags: ["webhooks"],
  summary: "Send a delivery again, byte for byte, with the same webhook-id",
  request: { params: DeliveryParams },
  responses: { 202: { description: "Replayed", content: { "application/json": { schema: envelopeSchema(z.object({ deliveryId: z.string() })) } } }, 404: errorResponse("No such delivery"), ...commonErrorResponses },
});

export function registerWebhookDeliveries(app: App) {
  app.openapi(listRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { limit, offset, status } = c.req.valid("query");
    const actor = appActor(c.env, c.get("app").name);
    if (!(await actor.getWebhookEndpoint(id))) throw new ApiError("webhook_not_found", `webhook endpoint "${id}" not found`);
    const { deliveries, total } = await actor.listDeliveries(id, status, limit, offset);
    return page(c, deliveries, total, limit, offset);
  });

  app.openapi(getRoute, async (c) => {
    const { id, deliveryId } = c.req.valid("param");
    const delivery = await appActor(c.env, c.get("app").name).getDelivery(id, deliveryId);
    if (!delivery) throw new ApiError("delivery_not_found", `delivery "${deliveryId}" not found`);
    return ok(c, delivery);
  });

  app.openapi(replayRoute, async (c) => {
    const { id, deliveryId } = c.req.valid("param");
    if (!(await appActor(c.env, c.get("app").name).replayDelivery(id, deliveryId))) throw new ApiError("delivery_not_found", `delivery "${deliveryId}" not found`);
    return c.json({ data: { deliveryId }, error: null }, 202);
  });
}
