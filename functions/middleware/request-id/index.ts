import type { MiddlewareHandler } from "hono";
import { toBase64Url } from "../../../core/crypto/encoding.ts";

/** An id Caddy or a client may pass in; anything else is replaced so logs cannot be forged. */
const ACCEPTED = /^[A-Za-z0-9._-]{8,64}$/;

const ID_BYTES = 12;
/** 12 bytes are 16 base64url characters, with no padding and nothing shared with the next id's. */
const ID_CHARS = (ID_BYTES / 3) * 4;
// Random bytes for 256 ids, refilled in place when used up, and encoded once per refill: one call
// to the system's generator and one to the encoder per 256 requests, not per request (an id is
// a slice of the pool's text; base64url turns each 3 bytes into 4 characters of their own).
const pool = new Uint8Array(ID_BYTES * 256);
let poolText = "";
let used = pool.length;

/** `req_` and 12 fresh random bytes in base64url: unguessable and, for practical purposes, unique. */
export function newRequestId(): string {
  if (used === pool.length) {
    crypto.getRandomValues(pool);
    poolText = toBase64Url(pool);
    used = 0;
  }
  const at = (used / 3) * 4;
  used += ID_BYTES;
  return `req_${poolText.slice(at, at + ID_CHARS)}`;
}

/**
 * Gives every request an id, echoed in `X-Request-Id` and in every error body,
 * so a user's report can be matched to the log line.
 */
export const requestId = (): MiddlewareHandler =>
  async function requestId(c, next) {
    const incoming = c.req.header("X-Request-Id");
    const id = incoming && ACCEPTED.test(incoming) ? incoming : newRequestId();
    c.set("requestId", id);
    await next();
    // Set on the response as it comes, not with c.header() before it exists: Hono would keep
    // the header in a Headers object of its own, which the Response then copies into another
    // (one more runtime object per request for the garbage collector to finalize).
    const headers = c.res.headers;
    if (headers.has("X-Request-Id")) return; // the error handler's, with the same id
    try {
      headers.set("X-Request-Id", id);
    } catch {
      // Headers that cannot change (a fetched object, an asset): c.header() copies the response once.
      c.header("X-Request-Id", id);
    }
  };
