import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../core/actors.ts";
import { utf8 } from "../../../../core/crypto/encoding.ts";
import type { QoeReport } from "../../../../durable/app/qoe.ts";
import { appRecord } from "../../../lib/app-records.ts";
import { appRoute, publicAppRoute, type App } from "../../../lib/app.ts";
import { clientIp } from "../../../lib/auth/ip.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { ApiError, appNotFound } from "../../../lib/errors.ts";
import { isoTime, pageQuery } from "../../../lib/pagination.ts";
import { clientKey, fixedWindowLimiter } from "../../../lib/rate-limit.ts";
import { APP_NAME, ROOM } from "./schema.ts";

// Quality of experience: players and the SDK report, per view, time to first
// frame, rebuffering, the playback path and errors; the app's actor keeps
// them (one row a view) for analytics. The report route is public and on the
// hot path of every view: one call into the app's actor, no Registry write,
// no audit row, nothing about the viewer stored.

/** A report is tiny; anything larger is not one. */
export const QOE_REPORT_MAX_BYTES = 2048;
/**
 * Reports per client address per minute, per app. Viewers behind one NAT
 * share an address, and a player reports a few times a view (first frame,
 * now and then, at the end): room for some 40 viewers a minute behind one
 * address. A report refused costs the analytics one point, nothing else.
 */
export const QOE_REPORTS_PER_WINDOW = 120;
const admitReport = fixedWindowLimiter({ limit: QOE_REPORTS_PER_WINDOW, windowMs: 60_000 });

/** A month: longer than any view, small enough that no report skews a sum. */
const MAX_MS = 30 * 86_400_000;

const QoeReportSchema = z
  .object({
    viewId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,64}$/, "must be 16–64 characters of A-Z, a-z, 0-9, _ and -")
      .openapi({ description: "Random per view (not per viewer): every report of the view carries it" }),
    room: z.string().regex(ROOM, "must be 1–120 characters of letters, digits, _, . and -").openapi({ description: "The room as the viewer asked for it, unprefixed" }),
    path: z.enum(["webrtc", "hls", "none"]).openapi({ description: "How the view played; `none`: it did not" }),
    firstFrameMs: z.number().min(0).max(600_000).nullable().default(null).openapi({ description: "From the player's start to the first frame; null until then" }),
    rebufferMs: z.number().min(0).max(MAX_MS).default(0).openapi({ description: "Time spent rebuffering so far" }),
    rebufferCount: z.number().int().min(0).max(1_000_000).default(0),
    watchedMs: z.number().min(0).max(MAX_MS).default(0).openapi({ description: "Time spent playing so far (rebuffering not included)" }),
    errors: z
      .array(z.string().regex(/^[a-z0-9_]{1,64}$/, "must be an error code: 1–64 characters of a-z, 0-9 and _"))
      .max(10)
      .default([])
      .openapi({ description: "Error codes met so far, at most 10" }),
    final: z.boolean().default(false).openapi({ description: "The view ended (the last report, sent as the page goes)" }),
  })
  .openapi("QoeReport", {
    description: "Several reports a view: the same viewId updates its row (the latest wins; times and counts never go down). Unknown fields are ignored.",
  });

const QoeViewSchema = z
  .object({
    viewId: z.string(),
    room: z.string(),
    path: z.enum(["webrtc", "hls", "none"]),
    firstFrameMs: z.number().int().nullable(),
    rebufferMs: z.number().int(),
    rebufferCount: z.number().int(),
    watchedMs: z.number().int(),
    errors: z.array(z.string()),
    final: z.boolean(),
    startedAt: z.string().openapi({ description: "When the view's first report arrived" }),
    updatedAt: z.string(),
  })
  .openapi("QoeView");

const QoeSummarySchema = z
  .object({
    views: z.number().int(),
    medianFirstFrameMs: z.number().nullable().openapi({ description: "Nearest rank, over the views that reported a first frame" }),
    p95FirstFrameMs: z.number().nullable(),
    rebufferRatio: z.number().nullable().openapi({ description: "Rebuffering time over rebuffering plus watch time" }),
    byPath: z.object({ webrtc: z.number().int(), hls: z.number().int(), none: z.number().int() }),
  })
  .openapi("QoeSummary");

const QoeListSchema = z
  .object({ summary: QoeSummarySchema, views: z.array(QoeViewSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .openapi("QoeViews");

const reportBody = { schema: { $ref: "#/components/schemas/QoeReport" } } as const;

// The body is documented, not validated by the route's own validator: a report
// sent as text/plain (navigator.sendBeacon) is read and checked here like JSON.
const reportRoute = publicAppRoute({
  method: "post",
  path: "/{app}/qoe",
  tags: ["qoe"],
  summary: "Report the quality of one view (players, public)",
  description: `No credential: players send it, as \`application/json\` or as \`text/plain\` (\`navigator.sendBeacon\`, which needs no CORS preflight). At most ${QOE_REPORT_MAX_BYTES} bytes; rate-limited per app and client address (${QOE_REPORTS_PER_WINDOW} a minute). Nothing about the viewer is stored.`,
  request: {
    body: { required: true, content: { "application/json": reportBody, "text/plain": reportBody } },
  },
  responses: {
    202: { description: "Taken", content: { "application/json": { schema: envelopeSchema(z.object({ accepted: z.literal(true) })) } } },
    400: errorResponse("Not a report (validation_failed, malformed_json)"),
    413: errorResponse("Body over the API's limit"),
    415: errorResponse("Neither JSON nor text/plain"),
    429: errorResponse("Too many reports from this address; see Retry-After"),
  },
});

const listRoute = appRoute("app:read", {
  method: "get",
  path: "/{app}/qoe",
  tags: ["qoe"],
  summary: "Quality of experience: the app's views and their summary",
  request: {
    query: pageQuery({ defaultLimit: 50, maxLimit: 500 }).extend({
      room: z.string().regex(ROOM).optional().openapi({ param: { name: "room", in: "query" }, description: "As viewers ask for it, unprefixed" }),
      since: isoTime.optional().openapi({ param: { name: "since", in: "query" }, description: "Views started at or after" }),
    }),
  },
  responses: {
    200: { description: "Views, newest first, and the summary over every view matching the filter", content: { "application/json": { schema: envelopeSchema(QoeListSchema) } } },
    ...commonErrorResponses,
  },
});

/** The report in `text`, or the 400 that says why it is not one. */
function parseReport(text: string): QoeReport {
  if (utf8(text).byteLength > QOE_REPORT_MAX_BYTES) throw new ApiError("validation_failed", `a report is at most ${QOE_REPORT_MAX_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError("validation_failed", "the body must be a report: a JSON object");
  }
  const parsed = QoeReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError("validation_failed", `${issue.path.join(".") || "body"}: ${issue.message}`, {
      details: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code })),
    });
  }
  return parsed.data;
}

export function registerQoe(app: App) {
  app.openAPIRegistry.register("QoeReport", QoeReportSchema);

  app.openapi(reportRoute, async (c) => {
    c.header("Access-Control-Allow-Origin", "*");
    const { app: name } = c.req.valid("param");
    const record = APP_NAME.test(name) ? await appRecord(c.env, name) : null;
    if (!record) throw appNotFound(name);
    const retryAfter = admitReport(`${record.name}|${clientKey(clientIp(c, c.get("config")) ?? "unknown")}`);
    if (retryAfter > 0) throw new ApiError("too_many_requests", "too many reports from this address", { headers: { "Retry-After": String(retryAfter) } });
    // The JSON body middleware has read the body (either type) and checked that it is UTF-8 JSON.
    const report = parseReport(await c.req.text());
    if (!(await appActor(c.env, record.name).recordQoe(report))) throw appNotFound(name);
    return c.json({ data: { accepted: true as const }, error: null }, 202);
  });

  app.openapi(listRoute, async (c) => {
    const { limit, offset, room, since } = c.req.valid("query");
    const { views, total, summary } = await appActor(c.env, c.get("app").name).qoeViews({ room, since }, limit, offset);
    return ok(c, { summary, views, total, limit, offset });
  });
}
