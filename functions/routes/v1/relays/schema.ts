import { z } from "@hono/zod-openapi";

export const RelaySchema = z
  .object({
    id: z.string().openapi({ description: "The ingress id" }),
    app: z.string(),
    room: z.string(),
    sourceUrl: z.string(),
    rtmpUrl: z.string().openapi({ description: "LiveKit's RTMP ingest for this source, with its stream key" }),
  })
  .openapi("Relay");

export const RelayReport = z
  .strictObject({
    app: z.string().min(1).max(64),
    status: z.enum(["starting", "running", "backoff", "failed", "stopped"]),
    error: z.string().max(1000).nullable().default(null),
    restarts: z.number().int().min(0).max(1_000_000).default(0),
  })
  .openapi("RelayReport");
