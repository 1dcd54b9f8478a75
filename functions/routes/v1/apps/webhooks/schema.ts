import { z } from "@hono/zod-openapi";
import { APP_EVENTS } from "../../../../../core/events.ts";
import { pageQuery } from "../../../../lib/pagination.ts";

const EVENT = z.enum(["all", ...APP_EVENTS], { error: 'must be "all" or an event of the catalog (docs/webhook-events.md), such as stream_started' });

export const EndpointSchema = z
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

export const DeliverySchema = z
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

export const DeliveryDetailSchema = DeliverySchema.extend({
  body: z.string(),
  attemptLog: z.array(z.object({ at: z.string(), status: z.number().int().nullable(), durationMs: z.number(), error: z.string().nullable(), response: z.string().nullable() })),
}).openapi("WebhookDeliveryDetail");

const Url = z.url({ protocol: /^https?$/, error: "must be an http or https URL" }).max(2048);

export const CreateEndpointBody = z
  .strictObject({
    url: Url,
    events: z.array(EVENT).min(1).max(100).default(["all"]),
    enabled: z.boolean().default(true),
    description: z.string().max(500).nullable().default(null),
  })
  .openapi("CreateWebhookEndpoint");

export const UpdateEndpointBody = z
  .strictObject({ url: Url, events: z.array(EVENT).min(1).max(100), enabled: z.boolean(), description: z.string().max(500).nullable() })
  .partial()
  .refine((body) => Object.keys(body).length > 0, "give at least one field to change")
  .openapi("UpdateWebhookEndpoint");

export const EndpointParams = z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) });
export const DeliveryParams = EndpointParams.extend({ deliveryId: z.string().max(64).openapi({ param: { name: "deliveryId", in: "path" } }) });
export const DeliveriesQuery = pageQuery({ defaultLimit: 50, maxLimit: 500 }).extend({
  status: z.enum(["pending", "delivered", "failed"]).optional().openapi({ param: { name: "status", in: "query" } }),
});
