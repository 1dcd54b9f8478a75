import { appActor, metricsActor } from "../../../../core/actors.ts";
import { appList } from "../../../lib/app-records.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { livekitClients } from "../../../../core/livekit.ts";
import { livekitReachable } from "../../../lib/livekit-probe.ts";
import { StatsSchema, statsOf } from "./schema.ts";

const route = protectedRoute("app:read", {
  method: "get",
  path: "/",
  tags: ["stats"],
  summary: "What is live now: apps, streams, viewers, ingresses, recordings, egress, storage",
  description:
    "Superadmins and global tokens see every app; members see their tenant's; an app-scoped token sees its own app. Figures over several apps are what each app last reported (within about a second of a change), added up; apps never used since their creation count as apps with nothing live.",
  responses: { 200: { description: "The figures", content: { "application/json": { schema: envelopeSchema(StatsSchema) } } }, ...commonErrorResponses },
});

export const registerStatsGet = (app: App) =>
  app.openapi(route, async (c) => {
    const auth = c.get("auth");
    const livekit = livekitReachable(c.get("config").LIVEKIT_URL, livekitClients(c.get("config")) !== null);
    if (auth.scope === "app") {
      // An app token's view is its one app: asked directly, as its own stats route does.
      const numbers = await appActor(c.env, auth.appName ?? "").liveNumbers();
      return ok(c, statsOf("app", 1, numbers, (await livekit).reachable));
    }
    const tenantId = auth.isSuperadmin ? undefined : (auth.tenantId ?? "");
    const [apps, totals] = await Promise.all([appList(c.env, tenantId === undefined ? {} : { tenantId }, 1, 0), metricsActor(c.env).totals(tenantId)]);
    return ok(c, statsOf(tenantId === undefined ? "global" : "tenant", apps.total, totals.numbers, (await livekit).reachable));
  });
