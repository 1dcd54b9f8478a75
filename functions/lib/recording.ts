import { EncodedFileOutput, EncodedFileType, EncodingOptionsPreset } from "@livekit/protocol";
import type { Context } from "hono";
import type { Vod } from "../../durable/app/vods.repo.ts";
import { monthlyMetric } from "../../durable/app/livekit-events.ts";
import { keyUnder } from "../../core/s3.ts";
import { randomBytes, toBase64Url } from "../../core/crypto/encoding.ts";
import type { AppRecord } from "../../durable/registry/apps.repo.ts";
import { appActor, quotaLedger, registry } from "../../core/actors.ts";
import type { AppEnv } from "./context.ts";
import { ApiError, quotaExceeded } from "./errors.ts";
import { egressUpload, namespacedRoom } from "../../core/livekit.ts";
import { livekit, livekitError } from "./livekit.ts";
import { describeError, log } from "../../core/log.ts";
import { quotaEnforced, quotaEvent, reserveQuota } from "./quota.ts";

// Recording uses LiveKit egress, which uploads an MP4 (H.264/AAC, 720p) straight
// to the app's own bucket; egress webhooks then move the VOD to ready or failed.

/** The egress preset, and the resolution it produces (egress results do not report one). */
const PRESET = { preset: EncodingOptionsPreset.H264_720P_30, width: 1280, height: 720 };
/** How long a started recording holds a minute of the monthly quota; its real minutes are counted when it ends. */
const RECORDING_HOLD_MS = 6 * 3600_000;

export interface RecordingRequest {
  roomName: string;
  streamId?: string;
  mode?: "room-composite" | "participant";
  layout?: string;
}

/**
 * Starts a recording of a room (composite) or one participant: checks the
 * app's switch, its bucket and the tenant's storage and monthly-minutes
 * quotas, starts the egress, and records the VOD. Used by the recording routes
 * and by auto-record when a stream starts.
 */
export async function startRecording(c: Context<AppEnv>, record: AppRecord, input: RecordingRequest): Promise<Vod> {
  const body = { ...input, layout: input.layout ?? "grid" };
  if (record.settings.recordingEnabled === false) throw new ApiError("recording_disabled", "recording is turned off for this app (recordingEnabled)");
  const actor = appActor(c.env, record.name);
  const s3 = await actor.getS3();
  const credentials = await actor.s3Credentials();
  if (!s3 || !credentials) throw new ApiError("s3_not_configured", "configure the app's S3 bucket first (PUT /api/v1/apps/{app}/s3)");
  const lk = livekit(c.var.config);
  const tenantId = record.tenantId ?? "platform";

  // Recordings that already fill the storage quota stop new ones.
  const tenant = await registry(c.env).getTenant(tenantId);
  const storageLimit = tenant?.quotas.maxStorageGb ?? -1;
  const storedBytes = (await quotaLedger(c.env, tenantId).usage()).storageBytes?.committed ?? 0;
  if (quotaEnforced(c) && storageLimit !== -1 && storedBytes >= storageLimit * 1e9) {
    const usedGb = Math.round((storedBytes / 1e9) * 1000) / 1000;
    await quotaEvent(c, tenantId, "maxStorageGb", storageLimit, usedGb, true);
    throw quotaExceeded("maxStorageGb", storageLimit, usedGb);
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
      value: egressUpload(s3.settings, credentials),
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
    throw livekitError(c.var.requestId, `record room "${room}"`, error);
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
  return vod;
}

/** Stops a running recording (a VOD) by its egress; egress webhooks then move the VOD to ready or failed. */
export async function stopRecording(c: Context<AppEnv>, vod: { id: string; egressId: string }) {
  try {
    await livekit(c.var.config).egress.stopEgress(vod.egressId);
  } catch (error) {
    log("error", "LiveKit did not stop the recording", { requestId: c.var.requestId, egressId: vod.egressId, ...describeError(error) });
    throw new ApiError("livekit_error", "LiveKit did not stop the recording; try again");
  }
  await appActor(c.env, c.var.app.name).markVodStopping(vod.id);
  return { vodId: vod.id, egressId: vod.egressId, status: "uploading" };
}
