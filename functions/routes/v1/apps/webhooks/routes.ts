import { z } from "@hono/zod-openapi";
import { APP_EVENTS } from "../../../../../core/events.ts";
import { isPrivateTarget } from "../../../../../core/net.ts";
import { appActor } from "../../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../../lib/app.ts";
import type { Config } from "../../../../../core/config.ts";
import { commonErrorResponses, created, envelopeSchema, errorResponse, ok, page, pageSchema } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { pageQuery } from "../../../../lib/pagination.ts";
import { AppParams } from "../schema.ts";

// An app's outbound webhook endpoints (API.md decision 7): every app event is
// delivered at least once to each endpoint subscribed to it, signed per
// Standard Webhooks, from the app actor's durable outbox.

const EVENT = z.enum(["all", ...APP_EVENTS], { error: 'must be "all" or an event of the catalog (docs/webhook-events.md), such as stream_started' });

const EndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    description: z.string().nullable(),
    disabledReason: z.string().nullable(),
    failingSince: z.string().nullable(),
    rotatingUntil: z.string().nullable().openapi({ description: "Until when the previous secret still signs (after a rotation)" }),
    secretSet: z.literal(true),
    legacy: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WebhookEndpoint");

const DeliverySchema = z
  .object({
    id: z.string(),
    webhookId: z.string().openapi({ description: "The `webhook-id` header: the same on every retry and replay" }),
    event: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WebhookDelivery");

const DeliveryDetailSchema = DeliverySchema.extend({
  body: z.string(),
  attemptLog: z.array(z.object({ at: z.string(), status: z.number().int().nullable(), durationMs: z.number(), error: z.string().nullable(), response: z.string().nullable() })),
}).openapi("WebhookDeliveryDetail");

const Url = z.url({ protocol: /^https?$/, error: "must be an http or https URL" }).max(2048);

const CreateBody = z
  .strictObject({
    url: Url,
    events: z.array(EVENT).min(1).max(100).default(["all"]),
    enabled: z.boolean().default(true),
    description: z.string().max(500).nullable().default(null),
  })
  .openapi("CreateWebhookEndpoint");

const UpdateBody = z
  .strictObject({ url: Url, events: z.array(EVENT).min(1).max(100), enabled: z.boolean(), description: z.string().max(500).nullable() })
  .partial()
  .refine((body) => Object.keys(body).length > 0, "give at least one field to change")
  .openapi("UpdateWebhookEndpoint");

const EndpointParams = AppParams.extend({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) });
const DeliveryParams = EndpointParams.extend({ deliveryId: z.string().max(64).openapi({ param: { name: "deliveryId", in: "path" } }) });
const DeliveriesQuery = pageQuery({ defaultLimit: 50, maxLimit: 500 }).extend({
  status: z.enum(["pending", "delivered", "failed"]).optional().openapi({ param: { name: "status", in: "query" } }),
});

const notFound = (id: string) => new ApiError(404, "webhook_not_found", `webhook endpoint "${id}" not found`);

/** A target on this node or a private network is refused unless the operator allows it (SSRF). */
async function refusePrivate(config: Config, url: string) {
  if (!config.STREAMHUB_WEBHOOK_ALLOW_PRIVATE && (await isPrivateTarget(url))) {
    throw new ApiError(400, "webhook_url_private", "the URL points at a private, loopback or metadata address (STREAMHUB_WEBHOOK_ALLOW_PRIVATE=1 allows it)");
  }
}

const route = <R extends Parameters<typeof protectedRoute>[1]>(permission: "config:read" | "config:write", config: R) => protectedRoute(permission, { tags: ["webhooks"], ...config });

const listRoute = route("config:read", {
  method: "get",
  path: "/api/v1/apps/{app}/webhooks",
  summary: "List webhook endpoints",
  request: { params: AppParams },
  responses: { 200: { description: "Endpoints", content: { "application/json": { schema: envelopeSchema(z.array(EndpointSchema)) } } }, 404: errorResponse("No such app"), ...commonErrorResponses },
});
const createRoute = route("config:write", {
  method: "post",
  path: "/api/v1/apps/{app}/webhooks",
  summary: "Add a webhook endpoint (its secret is shown once)",
  request: { params: AppParams, body: { required: true, content: { "application/json": { schema: CreateBody } } } },
  responses: {
    201: { description: "The endpoint and its whsec_ secret", content: { "application/json": { schema: envelopeSchema(EndpointSchema.extend({ secret: z.string() })) } } },
    404: errorResponse("No such app"),
    ...commonErrorResponses,
  },
});
const getRoute = route("config:read", {
  method: "get",
  path: "/api/v1/apps/{app}/webhooks/{id}",
  summary: "Get a webhook endpoint",
  request: { params: EndpointParams },
  responses: { 200: { description: "The endpoint", content: { "application/json": { schema: envelopeSchema(EndpointSchema) } } }, 404: errorResponse("No such endpoint"), ...commonErrorResponses },
});
const updateRoute = route("config:write", {
  method: "patch",
  path: "/api/v1/apps/{app}/webhooks/{id}",
  summary: "Change a webhook endpoint (enabling it again clears its failure state)",
  request: { params: EndpointParams, body: { required: true, content: { "application/json": { schema: UpdateBody } } } },
  responses: { 200: { description: "The endpoint", content: { "application/json": { schema: envelopeSchema(EndpointSchema) } } }, 404: errorResponse("No such endpoint"), ...commonErrorResponses },
});
const deleteRoute = route("config:write", {
  method: "delete",
  path: "/api/v1/apps/{app}/webhooks/{id}",
  summary: "Remove a webhook endpoint with its queue and log",
  request: { params: EndpointParams },
  responses: { 200: { description: "Removed", content: { "application/json": { schema: envelopeSchema(z.object({ id: z.string(), deleted: z.literal(true) })) } } }, 404: errorResponse("No such endpoint"), ...commonErrorResponses },
});
const rotateRoute = route("config:write", {
  method: "post",
  path: "/api/v1/apps/{app}/webhooks/{id}/rotate",
  summary: "Rotate the signing secret (both sign for WEBHOOK_ROTATION_GRACE_S)",
  request: { params: EndpointParams },
  responses: {
    200: { description: "The new secret, shown once", content: { "application/json": { schema: envelopeSchema(z.object({ secret: z.string(), previousValidUntil: z.string() })) } } },
    404: errorResponse("No such endpoint"),
    ...commonErrorResponses,
  },
});
const testRoute = route("config:write", {
  method: "post",
  path: "/api/v1/apps/{app}/webhooks/{id}/test",
  summary: "Send a webhook.test ping to the endpoint now",
  request: { params: EndpointParams },
  responses: { 202: { description: "Queued and attempted", content: { "application/json": { schema: envelopeSchema(z.object({ deliveryId: z.string() })) } } }, 404: errorResponse("No such endpoint"), ...commonErrorResponses },
});
const deliveriesRoute = route("config:read", {
  method: "get",
  path: "/api/v1/apps/{app}/webhooks/{id}/deliveries",
  summary: "The endpoint's delivery log (filter failed ones with status=failed)",
  request: { params: EndpointParams, query: DeliveriesQuery },
  responses: { 200: { description: "Newest first", content: { "application/json": { schema: pageSchema(DeliverySchema) } } }, 404: errorResponse("No such endpoint"), ...commonErrorResponses },
});
const deliveryRoute = route("config:read", {
  method: "get",
  path: "/api/v1/apps/{app}/webhooks/{id}/deliveries/{deliveryId}",
  summary: "One delivery with its body and every attempt",
  request: { params: DeliveryParams },
  responses: { 200: { description: "The delivery", content: { "application/json": { schema: envelopeSchema(DeliveryDetailSchema) } } }, 404: errorResponse("No such delivery"), ...commonErrorResponses },
});
const replayRoute = route("config:write", {
  method: "post",
  path: "/api/v1/apps/{app}/webhooks/{id}/deliveries/{deliveryId}/replay",
  summary: "Send a delivery again, byte for byte, with the same webhook-id",
  request: { params: DeliveryParams },
  responses: { 202: { description: "Replayed", content: { "application/json": { schema: envelopeSchema(z.object({ deliveryId: z.string() })) } } }, 404: errorResponse("No such delivery"), ...commonErrorResponses },
});

export function registerWebhooks(app: App) {
  app.openapi(listRoute, async (c) => ok(c, await appActor(c.env, c.var.app.name).listWebhookEndpoints()));

  app.openapi(createRoute, async (c) => {
    const body = c.req.valid("json");
    await refusePrivate(c.var.config, body.url);
    const { endpoint, secret } = await appActor(c.env, c.var.app.name).createWebhookEndpoint(body);
    return created(c, { ...endpoint, secret });
  });

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid("param");
    const endpoint = await appActor(c.env, c.var.app.name).getWebhookEndpoint(id);
    if (!endpoint) throw notFound(id);
    return ok(c, endpoint);
  });

  app.openapi(updateRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    if (body.url) await refusePrivate(c.var.config, body.url);
    const endpoint = await appActor(c.env, c.var.app.name).updateWebhookEndpoint(id, body);
    if (!endpoint) throw notFound(id);
    return ok(c, endpoint);
  });

  app.openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await appActor(c.env, c.var.app.name).deleteWebhookEndpoint(id))) throw notFound(id);
    return ok(c, { id, deleted: true as const });
  });

  app.openapi(rotateRoute, async (c) => {
    const { id } = c.req.valid("param");
    const rotated = await appActor(c.env, c.var.app.name).rotateWebhookSecret(id, c.var.config.WEBHOOK_ROTATION_GRACE_S);
    if (!rotated) throw notFound(id);
    return ok(c, rotated);
  });

  app.openapi(testRoute, async (c) => {
    const { id } = c.req.valid("param");
    const deliveryId = await appActor(c.env, c.var.app.name).testWebhookEndpoint(id);
    if (!deliveryId) throw notFound(id);
    return c.json({ data: { deliveryId }, error: null }, 202);
  });

  app.openapi(deliveriesRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { limit, offset, status } = c.req.valid("query");
    const actor = appActor(c.env, c.var.app.name);
    if (!(await actor.getWebhookEndpoint(id))) throw notFound(id);
    const { deliveries, total } = await actor.listDeliveries(id, status, limit, offset);
    return page(c, deliveries, total, limit, offset);
  });

  app.openapi(deliveryRoute, async (c) => {
    const { id, deliveryId } = c.req.valid("param");
    const delivery = await appActor(c.env, c.var.app.name).getDelivery(id, deliveryId);
    if (!delivery) throw new ApiError(404, "delivery_not_found", `delivery "${deliveryId}" not found`);
    return ok(c, delivery);
  });

  app.openapi(replayRoute, async (c) => {
    const { id, deliveryId } = c.req.valid("param");
    if (!(await appActor(c.env, c.var.app.name).replayDelivery(id, deliveryId))) throw new ApiError(404, "delivery_not_found", `delivery "${deliveryId}" not found`);
    return c.json({ data: { deliveryId }, error: null }, 202);
  });
}
