import { classifyLiveKitError, livekitClients, type LiveKit, type LiveKitFailure, type LiveKitRefusal } from "../../core/livekit.ts";
import { hostOf } from "../../core/transport.ts";
import type { Config } from "../../core/config.ts";
import { describeError, log } from "../../core/log.ts";
import { ApiError } from "./errors.ts";

/** 503 livekit_not_configured: for a handler, or for an actor that said so. */
export const livekitNotConfigured = () => new ApiError("livekit_not_configured", "LiveKit is not configured: set LIVEKIT_API_KEY and LIVEKIT_API_SECRET");

/** The LiveKit clients for a handler, or 503 livekit_not_configured. */
export function livekit(config: Config): LiveKit {
  const lk = livekitClients(config);
  if (!lk) throw livekitNotConfigured();
  return lk;
}

/**
 * A failed LiveKit call as the API answers it, naming the cause: LiveKit
 * refusing the request is 400 livekit_rejected, LiveKit failing (or refusing
 * the node's keys) 502 livekit_failed, both with LiveKit's reason in
 * `details`; no answer is 503 livekit_unreachable. The whole error is logged.
 */
export function livekitError(requestId: string, what: string, error: unknown, config?: Config): ApiError {
  log("error", `LiveKit failed to ${what}`, { requestId, ...describeError(error) });
  return livekitFailureError(what, classifyLiveKitError(error), config?.LIVEKIT_URL);
}

/** The API's error for what an actor reported of LiveKit: not configured (503), or refused or failed. */
export function livekitRefusalError(refusal: LiveKitRefusal, what: string, livekitUrl?: string): ApiError {
  return refusal.code === "livekit_not_configured" ? livekitNotConfigured() : livekitFailureError(what, refusal.failure, livekitUrl);
}

/** The API's error for a classified LiveKit failure (also used for failures an actor reports as values). */
export function livekitFailureError(what: string, failure: LiveKitFailure, livekitUrl?: string): ApiError {
  switch (failure.kind) {
    case "rejected":
    case "failed":
      return new ApiError(failure.kind === "rejected" ? "livekit_rejected" : "livekit_failed", `LiveKit would not ${what}: ${failure.code ?? `HTTP ${failure.status}`}: ${failure.reason}`, {
        details: { status: failure.status, code: failure.code, reason: failure.reason },
      });
    case "unreachable":
      return new ApiError("livekit_unreachable", `LiveKit${livekitUrl ? ` at ${hostOf(livekitUrl)}` : ""} did not answer (${failure.reason}), so StreamHub could not ${what}; check that it runs and that LIVEKIT_URL points at it`);
  }
}
