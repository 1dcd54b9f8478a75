import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import type { SessionReport } from "../../../../../durable/app/app-actor.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { csvResponse, formatQuery, jsonOrCsv, toCsv, wantsCsv } from "../../../../lib/csv.ts";
import { commonErrorResponses, errorResponse, pageSchema } from "../../../../lib/schemas.ts";
import { page } from "../../../../lib/envelope.ts";
import { streamNotFound } from "../../../../lib/errors.ts";
import { pageQuery } from "../../../../lib/pagination.ts";
import { StreamParams } from "./schema.ts";

// A report per time a stream was live: when, for how long, its viewers
// (peak, average, unique, watch minutes, from LiveKit's participant
// webhooks) and what its viewers' players reported (QoE). JSON or CSV (lib/csv.ts).

const SessionQoeSchema = z
  .object({
    views: z.number().int().openapi({ description: "Player reports of views that overlapped the session (views of its room)" }),
    medianFirstFrameMs: z.number().nullable().openapi({ description: "Time to first frame, nearest-rank median" }),
    p95FirstFrameMs: z.number().nullable(),
    rebufferRatio: z.number().nullable().openapi({ description: "Rebuffering time over rebuffering plus watch time" }),
    hlsFallbacks: z.number().int().openapi({ description: "Views that played over HLS (the player's fallback from WebRTC)" }),
    failed: z.number().int().openapi({ description: "Views that never played" }),
  })
  .openapi("SessionQoe");

export const SessionSchema = z
  .object({
    id: z.number().int(),
    streamId: z.string(),
    room: z.string(),
    type: z.string(),
    status: z.enum(["live", "ended"]),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    endReason: z.string().nullable(),
    durationS: z.number().int().openapi({ description: "Up to now while live" }),
    peakViewers: z.number().int(),
    avgViewers: z.number().openapi({ description: "Concurrent viewers averaged over the session's duration" }),
    uniqueViewers: z.number().int().openapi({ description: "Distinct viewer identities that watched" }),
    watchMinutes: z.number().openapi({ description: "Viewer-minutes: concurrent viewers integrated over time" }),
    ingestKbps: z.number().int().nullable().openapi({ description: "The ingest bitrate its ingress last reported; null for WebRTC publishers" }),
    health: z.enum(["healthy", "degraded", "stalled"]).openapi({ description: "Its health as last reported by `stream.health_changed`" }),
    qoe: SessionQoeSchema,
  })
  .openapi("StreamSession");

const CSV_COLUMNS = [
  { name: "id", value: (s: SessionReport) => s.id },
  { name: "streamId", value: (s: SessionReport) => s.streamId },
  { name: "room", value: (s: SessionReport) => s.room },
  { name: "type", value: (s: SessionReport) => s.type },
  { name: "status", value: (s: SessionReport) => s.status },
  { name: "startedAt", value: (s: SessionReport) => s.startedAt },
  { name: "endedAt", value: (s: SessionReport) => s.endedAt },
  { name: "endReason", value: (s: SessionReport) => s.endReason },
  { name: "durationS", value: (s: SessionReport) => s.durationS },
  { name: "peakViewers", value: (s: SessionReport) => s.peakViewers },
  { name: "avgViewers", value: (s: SessionReport) => s.avgViewers },
  { name: "uniqueViewers", value: (s: SessionReport) => s.uniqueViewers },
  { name: "watchMinutes", value: (s: SessionReport) => s.watchMinutes },
  { name: "ingestKbps", value: (s: SessionReport) => s.ingestKbps },
  { name: "health", value: (s: SessionReport) => s.health },
  { name: "qoeViews", value: (s: SessionReport) => s.qoe.views },
  { name: "medianFirstFrameMs", value: (s: SessionReport) => s.qoe.medianFirstFrameMs },
  { name: "p95FirstFrameMs", value: (s: SessionReport) => s.qoe.p95FirstFrameMs },
  { name: "rebufferRatio", value: (s: SessionReport) => s.qoe.rebufferRatio },
  { name: "hlsFallbacks", value: (s: SessionReport) => s.qoe.hlsFallbacks },
  { name: "failedViews", value: (s: SessionReport) => s.qoe.failed },
] as const;

const route = appRoute("stream:read", {
  method: "get",
  path: "/{id}/sessions",
  tags: ["streams", "analytics"],
  summary: "A stream's session reports",
  description: "Newest first; a live session reports its figures so far. Kept 90 days. CSV with `?format=csv`, or `Accept: text/csv` when `format` is not given (the total is then in `X-Total-Count`).",
  request: { params: StreamParams, query: pageQuery({ defaultLimit: 50, maxLimit: 500 }).extend({ format: formatQuery }) },
  responses: {
    200: { description: "A page of sessions", content: jsonOrCsv(pageSchema(SessionSchema), "id,streamId,room,…\r\n1,demo-show/host,demo-show,…\r\n") },
    404: errorResponse("No such app or stream"),
    ...commonErrorResponses,
  },
});

export function registerStreamSessions(streams: App) {
  streams.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const { limit, offset, format } = c.req.valid("query");
    const actor = appActor(c.env, c.get("app").name);
    const { sessions, total } = await actor.streamSessions(id, limit, offset);
    if (total === 0 && !(await actor.getStream(id))) throw streamNotFound(id);
    if (wantsCsv(c, format)) return csvResponse(c, toCsv(CSV_COLUMNS, sessions), `${id}-sessions.csv`, { "X-Total-Count": String(total) });
    return page(c, sessions, total, limit, offset);
  });
}
