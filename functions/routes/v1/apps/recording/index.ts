import { appActor } from "../../../../../core/actors.ts";
import { appRoute, newApp } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { startRecording, stoppedOrError } from "../../../../lib/recording.ts";
import { RecordingParams, RecordingSchema, StartRecordingBody } from "./schema.ts";

// Recording a room or one participant to the app's bucket (lib/recording.ts),
// and stopping it. Recording by the stream is streams/record.ts.

const startRoute = appRoute("recording:start", {
  method: "post",
  path: "/start",
  tags: ["recording"],
  summary: "Record a room (composite) or one participant to the app's bucket",
  request: { body: { required: true, content: { "application/json": { schema: StartRecordingBody } } } },
  responses: {
    200: { description: "Recording", content: { "application/json": { schema: envelopeSchema(RecordingSchema) } } },
    ...commonErrorResponses,
    400: errorResponse("Recording is off for the app (recording_disabled), S3 is not configured (s3_not_configured), or the input is invalid"),
    429: errorResponse("maxRecordingMinutesMonth or maxStorageGb is used up (quota_exceeded)"),
    502: errorResponse("LiveKit refused or failed"),
  },
});

const stopRoute = appRoute("recording:stop", {
  method: "post",
  path: "/{id}/stop",
  tags: ["recording"],
  summary: "Stop a recording (by VOD or egress id)",
  request: { params: RecordingParams },
  responses: {
    200: { description: "Stopping; the VOD becomes ready when the upload completes", content: { "application/json": { schema: envelopeSchema(RecordingSchema) } } },
    404: errorResponse("No such app or recording"),
    409: errorResponse("The recording has already ended"),
    502: errorResponse("LiveKit refused or failed"),
    503: errorResponse("LiveKit is not configured, or did not answer"),
    ...commonErrorResponses,
  },
});

/** /api/v1/apps/{app}/recording */
export const recordingApi = newApp();

recordingApi.openapi(startRoute, async (c) => {
  const vod = await startRecording(c, c.get("app"), c.req.valid("json"));
  return ok(c, { vodId: vod.id, egressId: vod.egressId, status: vod.status });
});

recordingApi.openapi(stopRoute, async (c) => {
  const { id } = c.req.valid("param");
  const stopped = await appActor(c.env, c.get("app").name).stopRecording(id);
  return ok(c, stoppedOrError(c, stopped, `recording "${id}"`, () => new ApiError("vod_not_found", `recording "${id}" not found`)));
});
