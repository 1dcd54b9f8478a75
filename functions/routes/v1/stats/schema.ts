import { z } from "@hono/zod-openapi";
import pkg from "../../../../package.json" with { type: "json" };
import type { LiveNumbers } from "../../../../durable/app/live-numbers.ts";

const count = z.number().int().min(0);

export const StatsSchema = z
  .object({
    ts: z.string().openapi({ description: "Server time, ISO 8601" }),
    version: z.string(),
    scope: z.enum(["global", "tenant", "app"]).openapi({ description: "What the numbers cover: every app (superadmins), the caller's tenant, or one app" }),
    livekitReachable: z.boolean().openapi({ description: "Whether the LiveKit server answered its last probe (at most 5 s old)" }),
    counts: z.object({
      apps: count,
      liveStreams: count,
      viewers: count.openapi({ description: "Participants that subscribe and publish nothing (QC and recorder participants left out)" }),
      publishers: count,
      ingresses: count.openapi({ description: "Ingresses configured" }),
      recordings: count.openapi({ description: "Recordings running" }),
      vods: count.openapi({ description: "Ready VODs" }),
    }),
    egress: z.object({ recordings: count, hls: count, total: count }).openapi({ description: "LiveKit egresses running: recordings and live HLS" }),
    ingress: z.object({ configured: count }),
    storage: z.object({ vodBytes: count, vodCount: count }).openapi({ description: "Ready VODs in the apps' own buckets" }),
    webhooks: z.object({ outboxDepth: count.openapi({ description: "Deliveries waiting (retries included)" }) }),
  })
  .openapi("Stats");

export type Stats = z.infer<typeof StatsSchema>;

/** The stats body from live numbers. */
export const statsOf = (scope: Stats["scope"], apps: number, numbers: LiveNumbers, livekitReachable: boolean): Stats => ({
  ts: new Date().toISOString(),
  version: pkg.version,
  scope,
  livekitReachable,
  counts: {
    apps,
    liveStreams: numbers.activeStreams,
    viewers: numbers.viewers,
    publishers: numbers.publishers,
    ingresses: numbers.ingresses,
    recordings: numbers.activeRecordings,
    vods: numbers.vods.ready,
  },
  egress: { recordings: numbers.activeRecordings, hls: numbers.activeHls, total: numbers.activeRecordings + numbers.activeHls },
  ingress: { configured: numbers.ingresses },
  storage: { vodBytes: numbers.vodBytes, vodCount: numbers.vods.ready },
  webhooks: { outboxDepth: numbers.outboxDepth },
});
