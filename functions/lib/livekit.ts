import { classifyLiveKitError, livekitClients, type LiveKit } from "../../core/livekit.ts";
import type { Config } from "../../core/config.ts";
import { describeError, log } from "../../core/log.ts";
import { ApiError } from "./errors.ts";

/** The LiveKit clients for a handler, or 503 livekit_not_configured. */
export function livekit(config: Config): LiveKit {
  const lk = livekitClients(config);
  if (!lk) throw new ApiError("livekit_not_configured", "LiveKit is not configured: set LIVEKIT_API_KEY and LIVEKIT_API_SECRET");
  return lk;
}

/**
 * A failed LiveKit call as the API answers it: LiveKit refusing the request
 * (a Twirp 4xx) is the caller's 400, anything else a 502 to retry. The cause is logged.
 */
export function livekitError(requestId: string, what: string, error: unknown): ApiError {
  log("error", `LiveKit failed to ${what}`, { requestId, ...describeError(error) });
  const failure = classifyLiveKitError(error);
  return failure.kind === "refused"
    ? new ApiError("validation_failed", `LiveKit refused to ${what}: ${failure.message}`)
    : new ApiError("livekit_error", `LiveKit failed to ${what}; try again`);
}
