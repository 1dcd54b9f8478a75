import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse, ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { featuresOf } from "../../../../lib/features.ts";
import { livekit } from "../../../../lib/livekit.ts";
import { describeError, log } from "../../../../../core/log.ts";
import { AppParams } from "../schema.ts";

const StreamSchema = z
  .object({
    id: z.string().openapi({ description: "`<room>/<identity>`; in paths the `/` is written `%2F`" }),
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

/** `{app}` and `{id}` = `<room>/<identity>` (the `/` written `%2F`). */
export const StreamParams = AppParams.extend({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "demo-lobby%2Falice" }) });

const listRoute = protectedRoute("stream:read", {
  method: "get",
  path: "/api/v1/apps/{app}/streams",
  tags: ["streams"],
  summary: "Active streams",
  request: { params: AppParams },
  responses: {
    200: { description: "Active streams, oldest first", content: { "application/json": { schema: envelopeSchema(z.array(StreamSchema)) } } },
    404: errorResponse("No such app (or not visible to the caller)"),
    ...commonErrorResponses,
  },
});

const getRoute = protectedRoute("stream:read", {
  method: "get",
  path: "/api/v1/apps/{app}/streams/{id}",
  tags: ["streams"],
  summary: "One stream, active or ended",
  request: { params: StreamParams },
  responses: {
    200: { description: "The stream", content: { "application/json": { schema: envelopeSchema(StreamSchema) } } },
    404: errorResponse("No such app or stream"),
    ...commonErrorResponses,
  },
});

const stopRoute = protectedRoute("stream:stop", {
  method: "delete",
  path: "/api/v1/apps/{app}/streams/{id}",
  tags: ["streams"],
  summary: "Stop a stream",
  description: "Removes a WebRTC publisher from its room, or deletes the ingress of an ingest stream; the room is closed when nothing else in it is live.",
  request: { params: StreamParams },
  responses: {
    204: { description: "Stopped" },
    404: errorResponse("No such app or active stream"),
    503: errorResponse("LiveKit is not configured"),
    ...commonErrorResponses,
  },
});

const streamNotFound = (id: string) => new ApiError(404, "stream_not_found", `stream "${id}" not found`);

/** LiveKit's "not found" means the thing is already gone, which is what stopping wants. */
const goneAlready = (error: unknown) => (error as { status?: number }).status === 404;

export function registerStreams(app: App) {
  app.openapi(listRoute, async (c) => {
    const streams = await appActor(c.env, c.var.app.name).listStreams();
    const counted = featuresOf(c.var.app).viewerCounter;
    return ok(c, counted ? streams : streams.map(({ viewers: _, ...stream }) => stream));
  });

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid("param");
    const stream = await appActor(c.env, c.var.app.name).getStream(id);
    if (!stream) throw streamNotFound(id);
    if (!featuresOf(c.var.app).viewerCounter) delete stream.viewers;
    return ok(c, stream);
  });

  app.openapi(stopRoute, async (c) => {
    const { id } = c.req.valid("param");
    const actor = appActor(c.env, c.var.app.name);
    const stream = await actor.getStream(id);
    if (!stream || stream.status !== "active") throw streamNotFound(id);
    const lk = livekit(c.var.config);
    try {
      if (stream.ingressId) await lk.ingress.deleteIngress(stream.ingressId);
      else await lk.rooms.removeParticipant(stream.room, stream.participant);
      const others = (await actor.activeStreamsIn(stream.room)).filter((other) => other.streamId !== stream.streamId);
      if (others.length === 0) await lk.rooms.deleteRoom(stream.room);
    } catch (error) {
      if (!goneAlready(error)) {
        log("error", "LiveKit refused to stop a stream", { requestId: c.var.requestId, streamId: id, ...describeError(error) });
        throw new ApiError(502, "livekit_error", "LiveKit did not stop the stream; try again");
      }
    }
    await actor.endStream(id, "stopped");
    return c.body(null, 204);
  });
}
