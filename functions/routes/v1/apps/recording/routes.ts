import { EncodedFileOutput, EncodedFileType, EncodingOptionsPreset, S3Upload } from "@livekit/protocol";
import { z } from "@hono/zod-openapi";
import { monthlyMetric } from "../../../../../durable/app/livekit-events.ts";
import { endpointOf, keyUnder } from "../../../../../durable/app/s3.ts";
import { randomBytes, toBase64Url } from "../../../../../durable/crypto/encoding.ts";
import { appActor, quotaLedger, registry } from "../../../../lib/actors.ts";
import { protectedRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse, ok } from "../../../../lib/envelope.ts";
import { ApiError, quotaExceeded } from "../../../../lib/errors.ts";
import { livekit, namespacedRoom } from "../../../../lib/livekit.ts";
import { describeError, log } from "../../../../lib/log.ts";
import { quotaEnforced, reserveQuota } from "../../../../lib/quota.ts";
import { AppParams } from "../schema.ts";

// Recording uses LiveKit egress, which uploads an MP4 (H.264/AAC, 720p) straight
// to the app's own bucket; egress webhooks then move the VOD to ready or failed.

/** The egress preset, and the resolution it produces (egress results do not report one). */
const PRESET = { preset: EncodingOptionsPreset.H264_720P_30, width: 1280, height: 720 };
/** How long a started recording holds a minute of the monthly quota; its real minutes are counted when it ends. */
const RECORDING_HOLD_MS = 6 * 3600_000;

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

export function registerRecording(app: App) {
  app.openapi(startRoute, async (c) => {
    const body = c.req.valid("json");
    const record = c.var.app;
    if (record.settings.recordingEnabled === false) throw new ApiError(400, "recording_disabled", "recording is turned off for this app (recordingEnabled)");
    const actor = appActor(c.env, record.name);
    const s3 = await actor.getS3();
    const credentials = await actor.s3Credentials();
    if (!s3 || !credentials) throw new ApiError(400, "s3_not_configured", "configure the app's S3 bucket first (PUT /api/v1/apps/{app}/s3)");
    const lk = livekit(c.var.config);
    const tenantId = record.tenantId ?? "platform";

    // Recordings that already fill the storage quota stop new ones.
    const tenant = await registry(c.env).getTenant(tenantId);
    const storageLimit = tenant?.quotas.maxStorageGb ?? -1;
    const storedBytes = (await quotaLedger(c.env, tenantId).usage()).storageBytes?.committed ?? 0;
    if (quotaEnforced(c) && storageLimit !== -1 && storedBytes >= storageLimit * 1e9) {
      throw quotaExceeded("maxStorageGb", storageLimit, Math.round((storedBytes / 1e9) * 1000) / 1000);
    }
    const minutes = await reserveQuota(c, tenantId, "maxRecordingMinutesMonth", { holdMs: RECORDING_HOLD_MS, ledgerKey: monthlyMetric("maxRecordingMinutesMonth") });

    const room = namespacedRoom(record.livekitRoomPrefix, body.roomName);
    const identity = body.streamId?.slice(body.streamId.lastIndexOf("/") + 1);
    const mode = body.mode ?? (body.streamId ? "participant" : "room-composite");
    const vodId = `vod_${toBase64Url(randomBytes(9))}`;
    const fileKey = keyUnder(s3.settings.prefix, "vods", room, `${vodId}.mp4`);
    const file = new EncodedFileOutput({
      fileType: EncodedFileType.MP4,
      filepath: fileKey,
      output: {
        case: "s3",
        value: new S3Upload({
          accessKey: credentials.accessKeyId,
          secret: credentials.secretAccessKey,
          region: s3.settings.region,
          endpoint: endpointOf(s3.settings),
          bucket: s3.settings.bucket,
          forcePathStyle: s3.settings.forcePathStyle,
        }),
      },
    });

    let egress;
    try {
      egress =
        mode === "participant" && identity
          ? await lk.egress.startParticipantEgress(room, identity, { file }, { encodingOptions: PRESET.preset })
          : await lk.egress.startRoomCompositeEgress(room, { file }, { layout: body.layout, encodingOptions: PRESET.preset });
    } catch (error) {
      await minutes.release();
      log("error", "LiveKit did not start the recording", { requestId: c.var.requestId, room, ...describeError(error) });
      const status = (error as { status?: number }).status;
      if (status && status < 500) throw new ApiError(400, "validation_failed", `LiveKit refused to record room "${room}": ${(error as Error).message}`);
      throw new ApiError(502, "livekit_error", "LiveKit did not start the recording; try again");
    }
    const vod = await actor.startVod({
      id: vodId,
      egressId: egress.egressId,
      room,
      streamId: body.streamId ?? null,
      mode,
      fileKey,
      width: PRESET.width,
      height: PRESET.height,
      reservationId: minutes.reservationId,
    });
    return ok(c, { vodId: vod.id, egressId: vod.egressId, status: vod.status });
  });

  app.openapi(stopRoute, async (c) => {
    const { id } = c.req.valid("param");
    const actor = appActor(c.env, c.var.app.name);
    const vod = await actor.getVod(id);
    if (!vod) throw new ApiError(404, "vod_not_found", `recording "${id}" not found`);
    if (vod.status !== "recording") throw new ApiError(409, "recording_ended", `recording "${id}" is already ${vod.status}`);
    try {
      await livekit(c.var.config).egress.stopEgress(vod.egressId);
    } catch (error) {
      log("error", "LiveKit did not stop the recording", { requestId: c.var.requestId, egressId: vod.egressId, ...describeError(error) });
      throw new ApiError(502, "livekit_error", "LiveKit did not stop the recording; try again");
    }
    await actor.markVodStopping(vod.id);
    return ok(c, { vodId: vod.id, egressId: vod.egressId, status: "uploading" });
  });
}
