import type { Context } from "hono";
import { appActor } from "../../core/actors.ts";
import type { RecordingRequest } from "../../durable/app/recordings.ts";
import type { Vod } from "../../durable/app/vods.repo.ts";
import type { AppRecord } from "../../durable/registry/apps.repo.ts";
import type { QuotaMetric } from "../../durable/registry/plans.ts";
import type { AppEnv } from "./context.ts";
import { ApiError, quotaExceeded } from "./errors.ts";
import { livekit, livekitError, livekitFailureError } from "./livekit.ts";
import { quotaEnforced, recordOverLimit } from "./quota.ts";

/**
 * Starts a recording through the app's actor (which checks the app's bucket
 * and the tenant's quotas, starts LiveKit's egress and records the VOD, in one
 * call) and turns a refusal into the API's error.
 */
export async function startRecording(c: Context<AppEnv>, record: AppRecord, input: RecordingRequest): Promise<Vod> {
  const started = await appActor(c.env, record.name).startRecording(input, { recordingEnabled: record.settings.recordingEnabled !== false, enforce: quotaEnforced(c) });
  if (started.ok) {
    if (started.overLimit) await recordOverLimit(c, record.tenantId ?? "platform", started.overLimit.metric as QuotaMetric, started.overLimit.limit, started.overLimit.used);
    return started.vod;
  }
  switch (started.code) {
    case "recording_disabled":
      throw new ApiError("recording_disabled", "recording is turned off for this app (recordingEnabled)");
    case "s3_not_configured":
      throw new ApiError("s3_not_configured", "configure the app's S3 bucket first (PUT /api/v1/apps/{app}/s3)");
    case "livekit_not_configured":
      throw new ApiError("livekit_not_configured", "LiveKit is not configured: set LIVEKIT_API_KEY and LIVEKIT_API_SECRET");
    case "quota_exceeded":
      throw quotaExceeded(started.metric, started.limit, started.used);
    case "livekit_failed":
      throw livekitFailureError(`record room "${input.roomName}"`, started.failure, c.get("config").LIVEKIT_URL);
  }
}

/** Stops a running recording (a VOD) by its egress; egress webhooks then move the VOD to ready or failed. */
export async function stopRecording(c: Context<AppEnv>, vod: { id: string; egressId: string }) {
  try {
    await livekit(c.get("config")).egress.stopEgress(vod.egressId);
  } catch (error) {
    throw livekitError(c.get("requestId"), `stop recording ${vod.egressId}`, error, c.get("config"));
  }
  await appActor(c.env, c.get("app").name).markVodStopping(vod.id);
  return { vodId: vod.id, egressId: vod.egressId, status: "uploading" };
}
