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
  | "internal_error";

/**
 * An expected failure with its HTTP status and machine code. Thrown anywhere in
 * a handler, turned into the error envelope by the one `onError`.
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, options: { details?: unknown; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export const appNotFound = (name: string) => new ApiError(404, "app_not_found", `app "${name}" not found`);
