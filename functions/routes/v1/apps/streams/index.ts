import { liveKitGone } from "../../../../../core/livekit.ts";
import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, newApp } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { streamNotFound } from "../../../../lib/errors.ts";
import { featuresOf } from "../../../../lib/features.ts";
import { livekit, livekitError } from "../../../../lib/livekit.ts";
import { registerHls } from "./hls.ts";
import { registerStreamRecording } from "./record.ts";
import { StreamParams, StreamSchema } from "./schema.ts";
import { registerStreamSessions } from "./sessions.ts";

// An app's streams: a publisher in a room, or an ingest. Live HLS of a
// stream's room (hls.ts) and recording it (record.ts) hang off `{id}`.

const listRoute = appRoute("stream:read", {
  method: "get",
  path: "/",
  tags: ["streams"],
  summary: "Active streams",
  responses: {
    200: { description: "Active streams, oldest first", content: { "application/json": { schema: envelopeSchema(z.array(StreamSchema)) } } },
    ...commonErrorResponses,
  },
});

const getRoute = appRoute("stream:read", {
  method: "get",
  path: "/{id}",
  tags: ["streams"],
  summary: "One stream, active or ended",
  request: { params: StreamParams },
  responses: {
    200: { description: "The stream", content: { "application/json": { schema: envelopeSchema(StreamSchema) } } },
    404: errorResponse("No such app or stream"),
    ...commonErrorResponses,
  },
});

const stopRoute = appRoute("stream:stop", {
  method: "delete",
  path: "/{id}",
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

/** /api/v1/apps/{app}/streams */
export const streamsApi = newApp();

streamsApi.openapi(listRoute, async (c) => {
  const streams = await appActor(c.env, c.get("app").name).listStreams();
  const counted = featuresOf(c.get("app")).viewerCounter;
  const appId = c.get("app").id;
  return ok(c, streams.map(({ viewers, ...stream }) => ({ ...stream, appId, ...(counted ? { viewers } : {}) })));
});

streamsApi.openapi(getRoute, async (c) => {
  const { id } = c.req.valid("param");
  const stream = await appActor(c.env, c.get("app").name).getStream(id);
  if (!stream) throw streamNotFound(id);
  if (!featuresOf(c.get("app")).viewerCounter) delete stream.viewers;
  return ok(c, { ...stream, appId: c.get("app").id });
});

streamsApi.openapi(stopRoute, async (c) => {
  const { id } = c.req.valid("param");
  const actor = appActor(c.env, c.get("app").name);
  const stream = await actor.getStream(id);
  if (!stream || stream.status !== "active") throw streamNotFound(id);
  const lk = livekit(c.get("config"));
  try {
    if (stream.ingressId) await lk.ingress.deleteIngress(stream.ingressId);
    else await lk.rooms.removeParticipant(stream.room, stream.participant);
    const others = (await actor.activeStreamsIn(stream.room)).filter((other) => other.streamId !== stream.streamId);
    if (others.length === 0) await lk.rooms.deleteRoom(stream.room);
  } catch (error) {
    if (!liveKitGone(error)) throw livekitError(c.get("requestId"), `stop stream ${id}`, error, c.get("config"));
  }
  await actor.endStream(id, "stopped");
  return c.body(null, 204);
});

registerHls(streamsApi);
registerStreamRecording(streamsApi);
registerStreamSessions(streamsApi);
