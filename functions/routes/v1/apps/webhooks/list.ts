import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { EndpointSchema } from "./schema.ts";

const route = appRoute("config:read", {
  method: "get",
  path: "/",
  tags: ["webhooks"],
  summary: "List webhook endpoints",
  responses: { 200: { description: "Endpoints", content: { "application/json": { schema: envelopeSchema(z.array(EndpointSchema)) } } }, 404: errorResponse("No such app"), ...commonErrorResponses },
});

export const registerWebhooksList = (app: App) => app.openapi(route, async (c) => ok(c, await appActor(c.env, c.get("app").name).listWebhookEndpoints()));
