import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Every machine code StreamHub answers with, the one status it always comes
 * with, and what it means (README "Error codes" lists the same). Integrators
 * switch on the codes, so never rename one or move it to another status.
 */
export const ERRORS = {
  validation_failed: { status: 400, meaning: "A path, query or body value is invalid (or LiveKit refused it); `details` lists each problem" },
  malformed_json: { status: 400, meaning: "The body is missing or is not UTF-8 JSON" },
  json_too_complex: { status: 400, meaning: "The JSON body nests deeper than 32 levels or holds more than 10,000 elements" },
  unsupported_media_type: { status: 415, meaning: "The body is not declared as JSON" },
  payload_too_large: { status: 413, meaning: "The body is over STREAMHUB_MAX_BODY_BYTES" },
  unauthorized: { status: 401, meaning: "No credential, or one that is malformed, unknown, revoked, expired or used from an address it may not be used from" },
  forbidden: { status: 403, meaning: "The credential may not do this" },
  not_found: { status: 404, meaning: "No such route, or nothing there for the caller" },
  method_not_allowed: { status: 405, meaning: "The path exists, not with this method; `Allow` lists the methods" },
  misconfigured: { status: 503, meaning: "The node's configuration is invalid; the message names the variables" },
  internal_error: { status: 500, meaning: "An unexpected failure, logged with the request id" },
  quota_exceeded: { status: 429, meaning: "A tenant quota is used up; `error.metric`, `error.limit` and `error.used` say which" },
  too_many_requests: { status: 429, meaning: "Too many attempts from this address or for this account; `Retry-After` says when to try again" },
  invalid_credentials: { status: 401, meaning: "Wrong user or password (the same answer for both)" },
  login_disabled: { status: 503, meaning: "Login is off: STREAMHUB_JWT_SECRET is not set" },
  wrong_password: { status: 403, meaning: "The current password given to change one's own password is not the account's" },
  weak_password: { status: 400, meaning: "The new password is under 12 characters, the current one, or the account's email address" },
  app_not_found: { status: 404, meaning: "No such app, or not one the caller may see" },
  public_playback_disabled: { status: 404, meaning: "No public playback for the app: its publicPlayback feature is off (or there is no such app); ask for a viewer token" },
  app_exists: { status: 409, meaning: "An app with this name exists" },
  room_prefix_taken: { status: 409, meaning: "The room prefix is another app's, or overlaps one" },
  tenant_not_found: { status: 404, meaning: "No such tenant, or not the caller's" },
  tenant_exists: { status: 409, meaning: "A tenant with this id exists" },
  user_not_found: { status: 404, meaning: "No such user" },
  user_exists: { status: 409, meaning: "A user with this email exists" },
  member_not_found: { status: 404, meaning: "No such member of the tenant" },
  last_owner: { status: 409, meaning: "The change would leave the tenant without an owner" },
  member_of_another_tenant: { status: 409, meaning: "The person belongs to another tenant; only a superadmin can move them" },
  token_not_found: { status: 404, meaning: "No such API token, or not one the caller may see" },
  session_not_found: { status: 404, meaning: "No such session of the caller's" },
  cluster_disabled: { status: 503, meaning: "Node agents are off: STREAMHUB_CLUSTER_TOKEN is not set" },
  node_not_found: { status: 404, meaning: "No such cluster node (an agent joins again)" },
  node_name_taken: { status: 409, meaning: "Another cluster node has that name" },
  node_stats_too_large: { status: 413, meaning: "A heartbeat's stats are over 4096 bytes of JSON" },
  livekit_not_configured: { status: 503, meaning: "LiveKit is not configured on this node" },
  livekit_unreachable: { status: 503, meaning: "LiveKit did not answer at LIVEKIT_URL (the message says how: refused, timed out, DNS, TLS); nothing changed, try again once it runs" },
  livekit_rejected: { status: 400, meaning: "LiveKit refused the request; `details` carries LiveKit's HTTP status, Twirp code and reason (e.g. failed_precondition: room does not exist)" },
  livekit_failed: { status: 502, meaning: "LiveKit failed, or refused the node's LiveKit keys; `details` carries LiveKit's HTTP status, Twirp code and reason (e.g. unauthenticated: check LIVEKIT_API_KEY and LIVEKIT_API_SECRET)" },
  stream_not_found: { status: 404, meaning: "No such stream (or it is not live, where that is needed)" },
  invalid_range: { status: 400, meaning: "The time range is empty or backwards: `from` must be before `to`" },
  range_too_large: { status: 400, meaning: "The time range holds more points than the resolution allows (minute: 24 hours, hour: 90 days)" },
  ingress_not_found: { status: 404, meaning: "No such ingress in the app" },
  recording_disabled: { status: 400, meaning: "Recording is turned off for the app (recordingEnabled)" },
  recording_ended: { status: 409, meaning: "The recording is not running any more (stop)" },
  recording_running: { status: 409, meaning: "The recording is still running or uploading (delete): stop it, or wait until it is ready" },
  vod_not_found: { status: 404, meaning: "No such recording, or nothing is being recorded" },
  s3_not_configured: { status: 400, meaning: "The app has no S3 bucket yet" },
  s3_endpoint_private: { status: 400, meaning: "The S3 endpoint is on a private, loopback or metadata address" },
  s3_unreachable: { status: 400, meaning: "The S3 endpoint could not be reached (probe)" },
  s3_invalid_key: { status: 400, meaning: "The provider does not know the access key id (probe)" },
  s3_invalid_secret: { status: 400, meaning: "The secret does not match the access key id (probe)" },
  s3_bucket_not_found: { status: 400, meaning: "The bucket does not exist at the endpoint (probe)" },
  s3_access_denied: { status: 400, meaning: "The key may not write, read or delete objects in the bucket (probe)" },
  s3_wrong_region: { status: 400, meaning: "The bucket is in another region, or at another endpoint (probe)" },
  s3_probe_failed: { status: 400, meaning: "The bucket answered the probe with another failure" },
  s3_error: { status: 502, meaning: "The bucket could not be reached or refused; nothing changed, try again" },
  webhook_not_found: { status: 404, meaning: "No such webhook endpoint in the app" },
  webhook_url_private: { status: 400, meaning: "The webhook URL is on a private, loopback or metadata address" },
  delivery_not_found: { status: 404, meaning: "No such delivery of the endpoint" },
  sample_not_found: { status: 404, meaning: "No such sample page in the app" },
  sample_too_large: { status: 413, meaning: "The sample page is over 256 KB (UTF-8)" },
  sample_limit_reached: { status: 409, meaning: "The app has 50 sample pages, the most it may keep; change one instead" },
} as const satisfies Record<string, { status: ContentfulStatusCode; meaning: string }>;

/** The machine codes StreamHub answers with. */
export type ErrorCode = keyof typeof ERRORS;

/**
 * An expected failure with its machine code (which fixes the HTTP status).
 * Thrown anywhere in a handler, turned into the error envelope by the one `onError`.
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;
  /** Extra fields of `error` itself, e.g. a quota denial's `metric`, `limit`, `used` (API.md decision 2). */
  readonly fields: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; fields?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = ERRORS[code].status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
    this.fields = options.fields ?? {};
  }
}

export const appNotFound = (name: string) => new ApiError("app_not_found", `app "${name}" not found`);

/** A stream that is not there (or, for what needs it live, not live). */
export const streamNotFound = (id: string) => new ApiError("stream_not_found", `stream "${id}" not found`);

/** What records to the app's bucket needs the bucket first. */
export const s3NotConfigured = () => new ApiError("s3_not_configured", "configure the app's S3 bucket first (PUT /api/v1/apps/{app}/s3)");

export const quotaExceeded = (metric: string, limit: number, used: number) =>
  new ApiError("quota_exceeded", `quota ${metric} is used up (${used} of ${limit})`, { fields: { metric, limit, used } });
