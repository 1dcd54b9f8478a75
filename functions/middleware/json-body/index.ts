import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../../lib/errors.ts";

const WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const hasBody = (request: Request) =>
  request.body !== null && (request.headers.get("content-length") ?? "") !== "0";

const isJson = (contentType: string | undefined) => {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return mediaType === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
};

/**
 * The API takes JSON only. A body over the limit is 413, a body that is not
 * declared JSON is 415, a body that does not parse is 400 — all before any
 * handler runs, so a bad request never reaches storage. The parsed body is
 * cached by Hono, so validators read it without parsing again.
 */
export const jsonBody = (options: { maxBytes: (c: Parameters<MiddlewareHandler>[0]) => number }): MiddlewareHandler =>
  async function jsonBody(c, next) {
    if (!WITH_BODY.has(c.req.method) || !hasBody(c.req.raw)) return next();

    if (!isJson(c.req.header("Content-Type"))) {
      throw new ApiError(415, "unsupported_media_type", "request body must be JSON (Content-Type: application/json)");
    }

    const maxBytes = options.maxBytes(c);
    const limit = bodyLimit({
      maxSize: maxBytes,
      onError: () => {
        throw new ApiError(413, "payload_too_large", `request body is larger than ${maxBytes} bytes`);
      },
    });
    return limit(c, async () => {
      try {
        await c.req.json();
      } catch (error) {
        // Only a parse failure is the caller's malformed JSON; the size limit's own error passes through.
        if (!(error instanceof SyntaxError)) throw error;
        throw new ApiError(400, "malformed_json", "request body is not valid JSON");
      }
      await next();
    });
  };
