import type { Context } from "hono";
import { appActor } from "../../core/actors.ts";
import type { RecordingRequest, StartRecordingResult, StopRecordingResult } from "../../durable/app/recordings.ts";
import type { Vod } from "../../durable/app/vods.repo.ts";
import type { AppRecord } from "../../durable/registry/apps.repo.ts";
import type { QuotaMetric } from "../../durable/registry/plans.ts";
import type { AppEnv } from "./context.ts";
import { ApiError, quotaExceeded, s3NotConfigured, streamNotFound } from "./errors.ts";
import { livekitRefusalError } from "./livekit.ts";
import { quotaEnforced, recordOverLimit } from "./quota.ts";

const recordingOptions = (c: Context<AppEnv>, record: AppRecord) => ({ recordingEnabled: record.settings.recordingEnabled !== false, enforce: quotaEnforced(c) });

/**
 * Starts a recording through the app's actor (which checks the app's bucket
 * and the tenant's quotas, starts LiveKit's egress and records the VOD, in one
 * call) and turns a refusal into the API's error.
 */
export async function startRecording(c: Context<AppEnv>, record: AppRecord, input: RecordingRequest): Promise<Vod> {
  const started = await appActor(c.env, record.name).startRecording(input, recordingOptions(c, record));
  return recordingOrError(c, record, `record room "${input.roomName}"`, started);
}

/** Records the room an active stream is live in: its running recording, or a new one (one call). */
export async function recordStream(c: Context<AppEnv>, record: AppRecord, streamId: string): Promise<Vod> {
  const started = await appActor(c.env, record.name).recordStream(streamId, recordingOptions(c, record));
  if (!started.ok && started.code === "stream_not_found") throw streamNotFound(streamId);
  return recordingOrError(c, record, `record stream "${streamId}"`, started);
}

async function recordingOrError(c: Context<AppEnv>, record: AppRecord, what: string, started: StartRecordingResult): Promise<Vod> {
  if (started.ok) {
    if (started.overLimit) await recordOverLimit(c, record.tenantId ?? "platform", started.overLimit.metric as QuotaMetric, started.overLimit.limit, started.overLimit.used);
    return started.vod;
  }
  switch (started.code) {
    case "recording_disabled":
      throw new ApiError("recording_disabled", "recording is turned off for this app (recordingEnabled)");
    case "s3_not_configured":
      throw s3NotConfigured();
    case "quota_exceeded":
      throw quotaExceeded(started.metric, started.limit, started.used);
    case "livekit_not_configured":
    case "livekit_failed":
      throw livekitRefusalError(started, what, c.get("config").LIVEKIT_URL);
  }
}

/**
 * What the app's actor answered to stopping a recording (one call: it stops
 * LiveKit's egress and marks the VOD uploading; egress webhooks then move it to
 * ready or failed), as the API answers it: the stopping recording, or the error.
 */
export function stoppedOrError(c: Context<AppEnv>, stopped: StopRecordingResult, what: string, notFound: () => ApiError) {
  if (stopped.ok) return { vodId: stopped.vodId, egressId: stopped.egressId, status: "uploading" };
  switch (stopped.code) {
    case "vod_not_found":
      throw notFound();
    case "recording_ended":
      throw new ApiError("recording_ended", `${what} is already ${stopped.status}`);
    case "livekit_not_configured":
    case "livekit_failed":
      throw livekitRefusalError(stopped, `stop ${what}`, c.get("config").LIVEKIT_URL);
  }
}
