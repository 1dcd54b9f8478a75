import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import type { Context } from "hono";
import { protectedRoute, type App, type AppEnv } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse, ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { livekit } from "../../../../lib/livekit.ts";
import { describeError, log } from "../../../../../core/log.ts";
import { startRecording } from "../../../../lib/recording.ts";
import { AppParams } from "../schema.ts";
import { StreamParams } from "../streams/routes.ts";

// Recording a room or one participant to the app's bucket (lib/recording.ts),
// directly or by the stream, and stopping it.

const StartBody = z
  .strictObject({
    roomName: z.string().regex(/^[\w.-]{1,120}$/, "must be a room name"),
    streamId: z.string().max(260).optional().openapi({ description: "`<room>/<identity>`: record that participant only (mode participant)" }),
    mode: z.enum(["room-composite", "participant"]).optional(),
    layout: z.string().regex(/^[\w-]{1,32}$/).default("grid"),
  })
  .refine((body) => body.mode !== "participant" || body.streamId !== undefined, { message: "participant mode needs the streamId to record", path: ["streamId"] })
  .openapi("StartRecording");

const RecordingSchema = z.object({ vodId: z.string(), egressId: z.string(), status: z.string() }).openapi("Recording");

const startRoute = protectedRoute("recording:start", {
  method: "post",
  path: "/api/v1/apps/{app}/recording/start",
  tags: ["recording"],
  summary: "Record a room (composite) or one participant to the app's bucket",
  request: { params: AppParams, body: { required: true, content: { "application/json": { schema: StartBody } } } },
  responses: {
    200: { description: "Recording", content: { "application/json": { schema: envelopeSchema(RecordingSchema) } } },
    ...commonErrorResponses,
    400: errorResponse("Recording is off for the app (recording_disabled), S3 is not configured (s3_not_configured), or the input is invalid"),
    404: errorResponse("No such app (or not visible to the caller)"),
    429: errorResponse("maxRecordingMinutesMonth or maxStorageGb is used up (quota_exceeded)"),
    502: errorResponse("LiveKit refused or failed"),
  },
});

const stopRoute = protectedRoute("recording:stop", {
  method: "post",
  path: "/api/v1/apps/{app}/recording/{id}/stop",
  tags: ["recording"],
  summary: "Stop a recording (by VOD or egress id)",
  request: { params: AppParams.extend({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) }) },
  responses: {
    200: { description: "Stopping; the VOD becomes ready when the upload completes", content: { "application/json": { schema: envelopeSchema(RecordingSchema) } } },
    404: errorResponse("No such app or recording"),
    409: errorResponse("The recording has already ended"),
    502: errorResponse("LiveKit refused or failed"),
    ...commonErrorResponses,
  },
});


const streamStartRoute = protectedRoute("recording:start", {
  method: "post",
  path: "/api/v1/apps/{app}/streams/{id}/record/start",
  tags: ["recording"],
  summary: "Record the stream's room (idempotent while it records)",
  request: { params: StreamParams },
  responses: {
    200: { description: "Recording", content: { "application/json": { schema: envelopeSchema(RecordingSchema) } } },
    ...commonErrorResponses,
    400: errorResponse("Recording is off for the app, or S3 is not configured"),
    404: errorResponse("No such app or active stream"),
    429: errorResponse("maxRecordingMinutesMonth or maxStorageGb is used up (quota_exceeded)"),
    502: errorResponse("LiveKit refused or failed"),
  },
});

const streamStopRoute = protectedRoute("recording:stop", {
  method: "post",
  path: "/api/v1/apps/{app}/streams/{id}/record/stop",
  tags: ["recording"],
  summary: "Stop recording the stream's room",
  request: { params: StreamParams },
  responses: {
    200: { description: "Stopping", content: { "application/json": { schema: envelopeSchema(RecordingSchema) } } },
    404: errorResponse("No such app or stream, or nothing is being recorded"),
    502: errorResponse("LiveKit refused or failed"),
    ...commonErrorResponses,
  },
});

async function stopEgressOf(c: Context<AppEnv>, vod: { id: string; egressId: string }) {
  try {
    await livekit(c.var.config).egress.stopEgress(vod.egressId);
  } catch (error) {
    log("error", "LiveKit did not stop the recording", { requestId: c.var.requestId, egressId: vod.egressId, ...describeError(error) });
    throw new ApiError(502, "livekit_error", "LiveKit did not stop the recording; try again");
  }
  await appActor(c.env, c.var.app.name).markVodStopping(vod.id);
  return { vodId: vod.id, egressId: vod.egressId, status: "uploading" };
}

export function registerRecording(app: App) {
  app.openapi(startRoute, async (c) => {
    const vod = await startRecording(c, c.var.app, c.req.valid("json"));
    return ok(c, { vodId: vod.id, egressId: vod.egressId, status: vod.status });
  });

  app.openapi(stopRoute, async (c) => {
    const { id } = c.req.valid("param");
    const actor = appActor(c.env, c.var.app.name);
    const vod = await actor.getVod(id);
    if (!vod) throw new ApiError(404, "vod_not_found", `recording "${id}" not found`);
    if (vod.status !== "recording") throw new ApiError(409, "recording_ended", `recording "${id}" is already ${vod.status}`);
    return ok(c, await stopEgressOf(c, vod));
  });

  app.openapi(streamStartRoute, async (c) => {
    const { id } = c.req.valid("param");
    const actor = appActor(c.env, c.var.app.name);
    const stream = await actor.getStream(id);
    if (!stream || stream.status !== "active") throw new ApiError(404, "stream_not_found", `stream "${id}" not found`);
    const running = await actor.activeRecordingFor(stream.room);
    const vod = running ?? (await startRecording(c, c.var.app, { roomName: stream.room }));
    return ok(c, { vodId: vod.id, egressId: vod.egressId, status: vod.status });
  });

  app.openapi(streamStopRoute, async (c) => {
    const { id } = c.req.valid("param");
    const actor = appActor(c.env, c.var.app.name);
    const stream = await actor.getStream(id);
    const running = stream ? await actor.activeRecordingFor(stream.room) : null;
    if (!running) throw new ApiError(404, "vod_not_found", `nothing is being recorded for stream "${id}"`);
    return ok(c, await stopEgressOf(c, running));
  });
}
