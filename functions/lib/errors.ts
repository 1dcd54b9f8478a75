import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The machine codes StreamHub answers with; integrators switch on these, so never rename one. */
export type ErrorCode =
  | "validation_failed"
  | "malformed_json"
  | "unsupported_media_type"
  | "payload_too_large"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "app_not_found"
  | "method_not_allowed"
  | "app_exists"
  | "room_prefix_taken"
  | "misconfigured"
  | "internal_error"
  | "quota_exceeded"
  | "too_many_requests"
  | "invalid_credentials"
  | "login_disabled"
  | "tenant_exists"
  | "tenant_not_found"
  | "user_exists"
  | "user_not_found"
  | "member_not_found"
  | "last_owner"
  | "member_of_another_tenant"
  | "token_not_found"
  | "session_not_found"
  | "livekit_not_configured"
  | "livekit_error"
  | "stream_not_found"
  | "ingress_not_found"
  | "cluster_disabled"
  | "s3_unreachable"
  | "s3_invalid_key"
  | "s3_invalid_secret"
  | "s3_bucket_not_found"
  | "s3_access_denied"
  | "s3_wrong_region"
  | "s3_probe_failed"
  | "s3_not_configured"
  | "s3_endpoint_private"
  | "s3_error"
  | "recording_disabled"
  | "recording_ended"
  | "vod_not_found"
  | "webhook_not_found"
  | "webhook_url_private"
  | "delivery_not_found";

/**
 * An expected failure with its HTTP status and machine code. Thrown anywhere in
 * a handler, turned into the error envelope by the one `onError`.
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;
  /** Extra fields of `error` itself, e.g. a quota denial's `metric`, `limit`, `used` (API.md decision 2). */
  readonly fields: Record<string, unknown>;

  constructor(
    status: ContentfulStatusCode,
    code: ErrorCode,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; fields?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
    this.fields = options.fields ?? {};
  }
}

export const appNotFound = (name: string) => new ApiError(404, "app_not_found", `app "${name}" not found`);

export const quotaExceeded = (metric: string, limit: number, used: number) =>
  new ApiError(429, "quota_exceeded", `quota ${metric} is used up (${used} of ${limit})`, { fields: { metric, limit, used } });
