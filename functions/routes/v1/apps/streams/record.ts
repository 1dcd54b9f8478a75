import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { recordStream, stoppedOrError } from "../../../../lib/recording.ts";
import { RecordingSchema } from "../recording/schema.ts";
import { StreamParams } from "./schema.ts";

// Recording the room a stream is live in (lib/recording.ts), and stopping it.

const startRoute = appRoute("recording:start", {
  method: "post",
  path: "/{id}/record/start",
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

const stopRoute = appRoute("recording:stop", {
  method: "post",
  path: "/{id}/record/stop",
  tags: ["recording"],
  summary: "Stop recording the stream's room",
  request: { params: StreamParams },
  responses: {
    200: { description: "Stopping", content: { "application/json": { schema: envelopeSchema(RecordingSchema) } } },
    404: errorResponse("No such app or stream, or nothing is being recorded"),
    409: errorResponse("The recording ended meanwhile"),
    502: errorResponse("LiveKit refused or failed"),
    503: errorResponse("LiveKit is not configured, or did not answer"),
    ...commonErrorResponses,
  },
});

export function registerStreamRecording(app: App) {
  app.openapi(startRoute, async (c) => {
    const vod = await recordStream(c, c.get("app"), c.req.valid("param").id);
    return ok(c, { vodId: vod.id, egressId: vod.egressId, status: vod.status });
  });

  app.openapi(stopRoute, async (c) => {
    const { id } = c.req.valid("param");
    const stopped = await appActor(c.env, c.get("app").name).stopStreamRecording(id);
    return ok(c, stoppedOrError(c, stopped, `the recording of stream "${id}"`, () => new ApiError("vod_not_found", `nothing is being recorded for stream "${id}"`)));
  });
}
