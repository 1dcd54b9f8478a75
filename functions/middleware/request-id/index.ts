import type { MiddlewareHandler } from "hono";
import { toBase64Url, randomBytes } from "../../../core/crypto/encoding.ts";

/** An id Caddy or a client may pass in; anything else is replaced so logs cannot be forged. */
const ACCEPTED = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Gives every request an id, echoed in `X-Request-Id` and in every error body,
 * so a user's report can be matched to the log line.
 */
export const requestId = (): MiddlewareHandler =>
  async function requestId(c, next) {
    const incoming = c.req.header("X-Request-Id");
    const id = incoming && ACCEPTED.test(incoming) ? incoming : `req_${toBase64Url(randomBytes(12))}`;
    c.set("requestId", id);
    // Set before the response exists, so it is built with it (setting it after would copy the response).
    c.header("X-Request-Id", id);
    await next();
    // A handler that returned a Response of its own (a proxied object, an asset) gets it now.
    if (!c.res.headers.has("X-Request-Id")) c.header("X-Request-Id", id);
  };
