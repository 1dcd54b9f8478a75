import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { publicBase } from "../../../../lib/features.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { s3NotConfigured, streamNotFound } from "../../../../lib/errors.ts";
import { livekitRefusalError } from "../../../../lib/livekit.ts";
import { StreamParams } from "./schema.ts";

const HlsSchema = z.object({ egressId: z.string().nullable(), playlistUrl: z.string().nullable(), status: z.enum(["active", "stopped"]), active: z.boolean() }).openapi("Hls");

const startRoute = appRoute("stream:write", {
  method: "post",
  path: "/{id}/hls/start",
  tags: ["hls"],
  summary: "Start live HLS of the stream's room (idempotent)",
  description: "A LiveKit segment egress writes 2 s HLS segments into the app's bucket; StreamHub serves the playlist at `playlistUrl`.",
  request: { params: StreamParams },
  responses: {
    200: { description: "Live HLS", content: { "application/json": { schema: envelopeSchema(HlsSchema) } } },
    ...commonErrorResponses,
    400: errorResponse("S3 is not configured for the app (s3_not_configured)"),
    404: errorResponse("No such app or active stream"),
    502: errorResponse("LiveKit refused or failed"),
    503: errorResponse("LiveKit is not configured, or did not answer"),
  },
});

const stopRoute = appRoute("stream:write", {
  method: "post",
  path: "/{id}/hls/stop",
  tags: ["hls"],
  summary: "Stop live HLS of the stream's room",
  request: { params: StreamParams },
  responses: {
    200: { description: "Stopped (or was not running)", content: { "application/json": { schema: envelopeSchema(HlsSchema) } } },
    404: errorResponse("No such app or stream"),
    502: errorResponse("LiveKit refused or failed"),
    503: errorResponse("LiveKit is not configured, or did not answer"),
    ...commonErrorResponses,
  },
});

const statusRoute = appRoute("stream:read", {
  method: "get",
  path: "/{id}/hls",
  tags: ["hls"],
  summary: "Whether the stream's room has live HLS, and where",
  request: { params: StreamParams },
  responses: { 200: { description: "HLS state", content: { "application/json": { schema: envelopeSchema(HlsSchema) } } }, 404: errorResponse("No such app or stream"), ...commonErrorResponses },
});

// Each action is one call into the app's actor, which decides about its own state: two
// concurrent starts for a room start one egress.
export function registerHls(app: App) {
  app.openapi(startRoute, async (c) => {
    const { id } = c.req.valid("param");
    const started = await appActor(c.env, c.get("app").name).startStreamHls(id, publicBase(c));
    if (started.ok) return ok(c, { ...started.hls, status: "active" as const });
    switch (started.code) {
      case "stream_not_found":
        throw streamNotFound(id);
      case "s3_not_configured":
        throw s3NotConfigured();
      case "livekit_not_configured":
      case "livekit_failed":
        throw livekitRefusalError(started, `start HLS for stream "${id}"`, c.get("config").LIVEKIT_URL);
    }
  });

  app.openapi(stopRoute, async (c) => {
    const { id } = c.req.valid("param");
    const stopped = await appActor(c.env, c.get("app").name).stopStreamHls(id);
    if (stopped.ok) return ok(c, { egressId: stopped.egressId, playlistUrl: null, status: "stopped" as const, active: false });
    switch (stopped.code) {
      case "stream_not_found":
        throw streamNotFound(id);
      case "livekit_not_configured":
      case "livekit_failed":
        throw livekitRefusalError(stopped, `stop HLS for stream "${id}"`, c.get("config").LIVEKIT_URL);
    }
  });

  app.openapi(statusRoute, async (c) => {
    const { id } = c.req.valid("param");
    const hls = await appActor(c.env, c.get("app").name).streamHls(id, publicBase(c));
    if (!hls) throw streamNotFound(id);
    return ok(c, { ...hls, status: hls.active ? ("active" as const) : ("stopped" as const) });
  });
}
