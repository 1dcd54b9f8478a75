// What `callbackError(code, message, detail)` receives. The code is the
// stable part pages compare against, so it never carries variable text; the
// message is for people (for a refused token request, the server's own
// message); the detail says which call failed and, for HTTP, the status.

/**
 * Every code the adaptor reports. Where Ant Media's WebRTCAdaptor has a name
 * for the same failure, it is that name, so pages written for it keep working;
 * the capture errors of getUserMedia pass through by their DOMException name
 * (`NotAllowedError`, `NotFoundError`, `NotReadableError`,
 * `OverconstrainedError`, …), as Ant Media passes them.
 */
export const ERROR_CODES = {
  /** publish() or play() without a stream id (Ant Media's name). */
  noStreamNameSpecified: "noStreamNameSpecified",
  /** The token request or LiveKit refused the credentials: 401/403 (Ant Media's name). */
  unauthorizedAccess: "unauthorized_access",
  /** The user refused to share the screen (Ant Media's name). */
  screenSharePermissionDenied: "ScreenSharePermissionDenied",
  /** No way to get a token: none of token, streamhubTokenUrl, streamhubApiUrl + appName, websocket_url. */
  tokenEndpointMissing: "token_endpoint_missing",
  /** The token request was answered with an error status other than 401/403 (unknown app, quota, …). */
  tokenRequestFailed: "token_request_failed",
  /** The token request never got an answer: network, CORS. */
  tokenRequestUnreachable: "token_request_unreachable",
  /** The answer had no `token` or no `wsUrl`. */
  tokenResponseInvalid: "token_response_invalid",
  /** Connecting to LiveKit failed for another reason than refused credentials (the original StreamHub adaptor's name; `detail.operation` says which call). */
  connectionFailed: "joinRoomError",
  /** Capturing or publishing the local media failed for a reason with no name of its own (the original's name). */
  publishFailed: "publishError",
  /** Playing failed for a reason with no name of its own (the original's name). */
  playFailed: "playError",
  /** sendData() without a connection, or the data packet was not sent. */
  dataChannelNotOpen: "data_channel_not_open",
  /** Switching a camera or microphone, or applying constraints, failed. */
  deviceSwitchFailed: "device_switch_failed",
  /** Screen sharing failed for another reason than a refusal (the original's name). */
  screenShareFailed: "screenShareError",
} as const;

export type AdaptorErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES] | (string & {});

/** The third argument of callbackError: which call failed, and the HTTP answer when there was one. */
export interface AdaptorErrorDetail {
  /** The method that failed: `publish`, `play`, `joinRoom`, `sendData`, `initialize`, … */
  operation: string;
  /** The HTTP status of a refused token request. */
  status?: number;
  /** StreamHub's `error.code` (e.g. `app_not_found`, `quota_exceeded`). */
  serverCode?: string;
  /** StreamHub's `error.requestId`, to find the request in its logs. */
  requestId?: string;
  /** The URL of a token request. */
  url?: string;
}

export class AdaptorError extends Error {
  readonly code: AdaptorErrorCode;
  readonly detail: Omit<AdaptorErrorDetail, "operation">;

  constructor(code: AdaptorErrorCode, message: string, detail: Omit<AdaptorErrorDetail, "operation"> = {}) {
    super(message);
    this.name = "AdaptorError";
    this.code = code;
    this.detail = detail;
  }
}
