import { appActor } from "../../../../core/actors.ts";
import { appRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { livekitClients } from "../../../../core/livekit.ts";
import { livekitReachable } from "../../../lib/livekit-probe.ts";
import { StatsSchema, statsOf } from "../stats/schema.ts";

const route = appRoute("app:read", {
  method: "get",
  path: "/{app}/stats",
  tags: ["stats"],
  summary: "What is live in one app now: streams, viewers, ingresses, recordings, egress, storage",
  responses: { 200: { description: "The app's figures, read from its own database", content: { "application/json": { schema: envelopeSchema(StatsSchema) } } }, ...commonErrorResponses },
});

export const registerAppStats = (app: App) =>
  app.openapi(route, async (c) => {
    const [numbers, livekit] = await Promise.all([appActor(c.env, c.get("app").name).liveNumbers(), livekitReachable(c.get("config").LIVEKIT_URL, livekitClients(c.get("config")) !== null)]);
    return ok(c, statsOf("app", 1, numbers, livekit.reachable));
  });
