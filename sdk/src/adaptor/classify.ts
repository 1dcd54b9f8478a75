// Gives any failure its code for callbackError: ours as they are, LiveKit's
// refusals and the browser's capture errors by what they mean.
import { ConnectionError, ConnectionErrorReason } from "livekit-client";
import { AdaptorError, ERROR_CODES, type AdaptorErrorCode } from "./errors.ts";

/** What getUserMedia and getDisplayMedia reject with, by name (DOMException or OverconstrainedError). */
const CAPTURE_ERRORS = new Set(["NotAllowedError", "NotFoundError", "NotReadableError", "OverconstrainedError", "AbortError", "SecurityError", "InvalidStateError"]);

export function classify(error: unknown, fallback: AdaptorErrorCode): AdaptorError {
  if (error instanceof AdaptorError) return error;
  if (error instanceof ConnectionError) {
    const refused = error.reason === ConnectionErrorReason.NotAllowed;
    return new AdaptorError(refused ? ERROR_CODES.unauthorizedAccess : ERROR_CODES.connectionFailed, error.message, refused && typeof error.status === "number" ? { status: error.status } : {});
  }
  if (error instanceof Error && CAPTURE_ERRORS.has(error.name)) return new AdaptorError(error.name, error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new AdaptorError(fallback, message);
}
