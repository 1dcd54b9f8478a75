import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { created } from "../../../../lib/envelope.ts";
import { refusePrivate } from "./refuse-private.ts";
import { CreateEndpointBody, EndpointSchema } from "./schema.ts";

const route = appRoute("config:write", {
  method: "post",
  path: "/",
  tags: ["webhooks"],
  summary: "Add a webhook endpoint (its secret is shown once)",
  request: { body: { required: true, content: { "application/json": { schema: CreateEndpointBody } } } },
  responses: {
    201: { description: "The endpoint and its whsec_ secret", content: { "application/json": { schema: envelopeSchema(EndpointSchema.extend({ secret: z.string() })) } } },
    404: errorResponse("No such app"),
    ...commonErrorResponses,
  },
});

export const registerWebhooksCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    await refusePrivate(c.get("config"), body.url);
    const { endpoint, secret } = await appActor(c.env, c.get("app").name).createWebhookEndpoint(body);
    return created(c, { ...endpoint, secret });
  });
