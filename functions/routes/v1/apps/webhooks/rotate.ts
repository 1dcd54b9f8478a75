import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { EndpointParams } from "./schema.ts";

const route = appRoute("config:write", {
  method: "post",
  path: "/{id}/rotate",
  tags: ["webhooks"],
  summary: "Rotate the signing secret (both sign for WEBHOOK_ROTATION_GRACE_S)",
  request: { params: EndpointParams },
  responses: {
    200: { description: "The new secret, shown once", content: { "application/json": { schema: envelopeSchema(z.object({ secret: z.string(), previousValidUntil: z.string() })) } } },
    404: errorResponse("No such endpoint"),
    ...commonErrorResponses,
  },
});

export const registerWebhooksRotate = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const rotated = await appActor(c.env, c.get("app").name).rotateWebhookSecret(id, c.get("config").WEBHOOK_ROTATION_GRACE_S);
    if (!rotated) throw new ApiError("webhook_not_found", `webhook endpoint "${id}" not found`);
    return ok(c, rotated);
  });
