import { z } from "@hono/zod-openapi";
import { newApp, publicRoute } from "../../../lib/app.ts";
import { envelopeSchema } from "../../../lib/schemas.ts";

// Health's answer as the OpenAPI document describes it. Only the API's route
// table (loaded on demand) imports this: health itself is served from the
// Worker's first moment, without zod (./get.ts).

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]).openapi({ description: "`degraded` when storage does not answer, or the configured LiveKit does not" }),
    reasons: z.array(z.string()).openapi({ description: "Why it is degraded, one line per cause (empty when ok)", example: ["the configured LiveKit (LIVEKIT_URL) does not answer (the connection was refused)"] }),
    up: z.literal(true),
    version: z.string(),
    ts: z.string().openapi({ description: "Server time, ISO 8601" }),
    uptimeSeconds: z.number().int(),
    storage: z.object({ ok: z.boolean() }),
    livekit: z.object({
      configured: z.boolean().openapi({ description: "LIVEKIT_API_KEY and LIVEKIT_API_SECRET are set" }),
      reachable: z.boolean(),
      reason: z.string().nullable().openapi({ description: "Why it is not reachable" }),
      checkedAt: z.string().openapi({ description: "When LiveKit was last asked (at most every 5 s)" }),
    }),
  })
  .openapi("Health");

export const healthRoute = publicRoute({
  method: "get",
  path: "/",
  tags: ["system"],
  summary: "Liveness and dependency status",
  description:
    "Public. Always answers 200 while the Worker runs; storage and LiveKit problems show in the body: `status` is `degraded`, with one line per cause in `reasons`, when actor storage or the configured LiveKit does not answer. LiveKit is asked at most every 5 s, storage at most once a second.",
  responses: { 200: { description: "Status", content: { "application/json": { schema: envelopeSchema(HealthSchema) } } } },
});

export type Health = z.infer<typeof HealthSchema>;

/** The route without its handler, for the API's OpenAPI document (routes/v1/index.ts). */
export const healthDocs = newApp();
healthDocs.openAPIRegistry.registerPath(healthRoute);
