import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../core/actors.ts";
import { appRoute, type App } from "../../../lib/app.ts";
import { csvResponse, formatQuery, jsonOrCsv, toCsv, wantsCsv } from "../../../lib/csv.ts";
import { commonErrorResponses, envelopeSchema } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { isoTime } from "../../../lib/pagination.ts";
import type { SeriesPoint } from "../../../../durable/app/app-actor.ts";

// The app's history: its live numbers (streams, viewers, publishers, ingest
// bitrate), each point the peak over one minute or one hour, from the app's
// own actor (minutes kept 7 days, hours 90). JSON or CSV (lib/csv.ts).

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** How far each resolution reaches in one request, and what it shows without `from`. */
export const RESOLUTIONS = {
  minute: { step: MINUTE_MS, maxRangeMs: 24 * HOUR_MS, defaultRangeMs: HOUR_MS },
  hour: { step: HOUR_MS, maxRangeMs: 90 * 24 * HOUR_MS, defaultRangeMs: 24 * HOUR_MS },
} as const;

export const SeriesPointSchema = z
  .object({
    ts: z.string().openapi({ description: "The minute's or hour's start (UTC)", example: "2026-11-29T12:00:00.000Z" }),
    streams: z.number().int().openapi({ description: "Live streams (peak over the bucket)" }),
    viewers: z.number().int().openapi({ description: "Viewers of live streams: participants that publish nothing, QC and recorder participants left out (peak)" }),
    publishers: z.number().int().openapi({ description: "Participants publishing, ingresses included (peak)" }),
    ingestKbps: z.number().int().nullable().openapi({ description: "Ingest bitrate as LiveKit's ingresses report it (peak); null when none reported one" }),
  })
  .openapi("AnalyticsPoint");

const SeriesSchema = z
  .object({
    app: z.string(),
    resolution: z.enum(["minute", "hour"]),
    from: z.string().openapi({ description: "The first bucket's start" }),
    to: z.string().openapi({ description: "The end of the range (exclusive)" }),
    points: z.array(SeriesPointSchema).openapi({ description: "One per bucket, oldest first; zeros where nothing was live" }),
  })
  .openapi("AnalyticsSeries");

const CSV_COLUMNS = [
  { name: "ts", value: (p: SeriesPoint) => p.ts },
  { name: "streams", value: (p: SeriesPoint) => p.streams },
  { name: "viewers", value: (p: SeriesPoint) => p.viewers },
  { name: "publishers", value: (p: SeriesPoint) => p.publishers },
  { name: "ingestKbps", value: (p: SeriesPoint) => p.ingestKbps },
] as const;

const route = appRoute("app:read", {
  method: "get",
  path: "/{app}/analytics",
  tags: ["analytics"],
  summary: "The app's live numbers over time",
  description:
    "Each point is the peak over its minute or hour. Minutes are kept 7 days and at most 24 hours are asked for at once; hours are kept 90 days, at most 90 days at once. " +
    "Without `from`, the hour (minutes) or day (hours) before `to`; without `to`, up to the end of the minute or hour under way. CSV with `?format=csv`, or `Accept: text/csv` when `format` is not given.",
  request: {
    query: z.object({
      from: isoTime.optional().openapi({ param: { name: "from", in: "query" }, description: "Start (inclusive; rounded down to the bucket)" }),
      to: isoTime.optional().openapi({ param: { name: "to", in: "query" }, description: "End (exclusive); default the end of the minute or hour under way" }),
      resolution: z.enum(["minute", "hour"]).default("minute").openapi({ param: { name: "resolution", in: "query" } }),
      format: formatQuery,
    }),
  },
  responses: {
    200: { description: "The series", content: jsonOrCsv(envelopeSchema(SeriesSchema), "ts,streams,viewers,publishers,ingestKbps\r\n2026-11-29T12:00:00.000Z,1,2,1,\r\n") },
    ...commonErrorResponses,
    400: { description: "validation_failed (e.g. an unknown resolution), invalid_range (from not before to), range_too_large", content: commonErrorResponses[400].content },
  },
});

export function registerAnalytics(app: App) {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const resolution = RESOLUTIONS[query.resolution];
    // Without `to`: up to the end of the bucket under way, so the last hour is 60 minutes (or the last day 24 hours).
    const to = query.to ? Date.parse(query.to) : Math.floor(Date.now() / resolution.step) * resolution.step + resolution.step;
    const from = query.from ? Date.parse(query.from) : to - resolution.defaultRangeMs;
    if (from >= to) throw new ApiError("invalid_range", "`from` must be before `to`", { details: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } });
    if (to - Math.floor(from / resolution.step) * resolution.step > resolution.maxRangeMs) {
      throw new ApiError("range_too_large", `at ${query.resolution} resolution a range is at most ${resolution.maxRangeMs / HOUR_MS} hours; ask for hours, or a shorter range`, {
        details: { resolution: query.resolution, maxRangeHours: resolution.maxRangeMs / HOUR_MS },
      });
    }
    const points = await appActor(c.env, c.get("app").name).analyticsSeries(from, to, query.resolution);
    const start = new Date(Math.floor(from / resolution.step) * resolution.step).toISOString();
    if (wantsCsv(c, query.format)) return csvResponse(c, toCsv(CSV_COLUMNS, points), `${c.get("app").name}-analytics-${query.resolution}-${start}.csv`);
    return ok(c, { app: c.get("app").name, resolution: query.resolution, from: start, to: new Date(to).toISOString(), points });
  });
}
