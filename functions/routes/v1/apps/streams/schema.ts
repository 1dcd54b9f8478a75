import { z } from "@hono/zod-openapi";

export const StreamSchema = z
  .object({
    id: z.string().openapi({ description: "`<room>/<identity>`; in paths the `/` is written `%2F`" }),
    appId: z.number().int().openapi({ description: "The app's numeric id, as the original StreamHub's stream rows carry it" }),
    streamId: z.string(),
    type: z.enum(["webrtc", "rtmp", "rtsp", "whip", "url"]),
    room: z.string(),
    participant: z.string(),
    ingressId: z.string().nullable(),
    status: z.enum(["active", "ended"]),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    endReason: z.string().nullable(),
    lastStatsJson: z.string(),
    viewers: z.number().int().optional().openapi({ description: "Participants that are not hidden and publish nothing; with the `viewerCounter` feature" }),
  })
  .openapi("Stream");

/** `{id}` = `<room>/<identity>` (the `/` written `%2F`). */
export const StreamParams = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "demo-lobby%2Falice" }) });
