import type { Context, MiddlewareHandler, Next } from "hono";
import { bodyLimit } from "hono/body-limit";
import { fromStrictUtf8 } from "../../../core/crypto/encoding.ts";
import { mediaTypeOf } from "../../lib/content-types.ts";
import { ApiError } from "../../lib/errors.ts";
import { jsonShapeProblem } from "./shape.ts";

const WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** How much of an oversized body is read and discarded so the client sees the 413; past this the connection is dropped. */
const DRAIN_MAX_BYTES = 32 * 1024 * 1024;

async function drain(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
      if (seen > maxBytes) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away; there is no one left to answer.
  }
}

/**
 * The declared length answers first: asking `request.body` makes workerd build
 * the stream's JS object, which the read through arrayBuffer() below does not
 * need — one object less to collect per request with a body.
 */
const hasBody = (request: Request) => {
  const length = request.headers.get("content-length");
  return length !== null ? length !== "0" : request.body !== null;
};

const isJson = (contentType: string | undefined) => {
  const mediaType = mediaTypeOf(contentType);
  return mediaType === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
};

/**
 * Players' quality-of-experience reports may come as text/plain: that is what
 * `navigator.sendBeacon` sends a string as, the one way to post JSON from a
 * page on another origin without a CORS preflight. Read as JSON all the same.
 */
const BEACON_ROUTE = /^\/api\/v1\/apps\/[^/]+\/qoe\/?$/;
const isBeacon = (c: Parameters<MiddlewareHandler>[0]) => c.req.method === "POST" && mediaTypeOf(c.req.header("Content-Type")) === "text/plain" && BEACON_ROUTE.test(c.req.path);

// Hono's body-limit middleware, made once per limit rather than per request.
const limits = new Map<number, MiddlewareHandler>();
function limitFor(maxBytes: number): MiddlewareHandler {
  let limit = limits.get(maxBytes);
  if (!limit) {
    limit = bodyLimit({
      maxSize: maxBytes,
      onError: () => {
        throw new ApiError("payload_too_large", `request body is larger than ${maxBytes} bytes`);
      },
    });
    limits.set(maxBytes, limit);
  }
  return limit;
}

/**
 * The API takes JSON only. A body over the limit is 413, a body that is not
 * declared JSON is 415, a body nested too deep or with too many elements
 * (shape.ts) or that is not UTF-8 JSON is 400 — all before any
 * handler runs, so a bad request never reaches storage. The parsed body is
 * cached by Hono, so validators read it without parsing again.
 */
export const jsonBody = (options: { maxBytes: (c: Parameters<MiddlewareHandler>[0]) => number }): MiddlewareHandler =>
  // Not async: a request without a body (most of them) passes through without a layer of its own.
  function jsonBody(c, next) {
    return WITH_BODY.has(c.req.method) && hasBody(c.req.raw) ? readJson(c, next, options.maxBytes(c)) : next();
  };

/** Checks and parses a request's body, caching it for the validators (see jsonBody). */
async function readJson(c: Context, next: Next, maxBytes: number): Promise<Response | void> {
  if (!isJson(c.req.header("Content-Type")) && !isBeacon(c)) {
    throw new ApiError("unsupported_media_type", "request body must be JSON (Content-Type: application/json)");
  }

  const tooLarge = () => new ApiError("payload_too_large", `request body is larger than ${maxBytes} bytes`);
  if (Number(c.req.header("Content-Length") ?? 0) > maxBytes) {
    // Read the declared body before answering: a server that answers while the
    // client is still sending makes most clients report a broken pipe, not the 413.
    await drain(c.req.raw.body, DRAIN_MAX_BYTES);
    throw tooLarge();
  }
  // A declared length was checked above (Hono's limit would check it again, at some cost to every
  // token request); bodies without one, or sent in chunks, are counted as they stream in.
  const declared = c.req.raw.headers.has("Content-Length") && !c.req.raw.headers.has("Transfer-Encoding");
  return declared ? parse() : limitFor(maxBytes)(c, parse);

  async function parse(): Promise<void> {
    const bytes = await c.req.arrayBuffer();
    // Before decoding and parsing: what a caller without credentials can make the node do is read its bytes once.
    const problem = jsonShapeProblem(new Uint8Array(bytes));
    if (problem) throw new ApiError("json_too_complex", problem);
    let text: string;
    let parsed: unknown;
    try {
      // Strict UTF-8: bytes that are not text are an error, not replacement characters in stored names.
      text = fromStrictUtf8(bytes);
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError("malformed_json", "request body is not valid UTF-8 JSON");
    }
    // Parsed once: the routes' input check reads c.get("jsonBody"), and c.req.json() answers with
    // the same value (Hono's own would parse the cached text again: it caches bodies, not what
    // json() makes of them). The text is cached for c.req.text(); Hono keeps promises in
    // bodyCache, whatever its type says.
    c.set("jsonBody", parsed);
    const json = Promise.resolve(parsed);
    c.req.json = () => json as never;
    c.req.bodyCache.text = Promise.resolve(text) as unknown as string;
    await next();
  }
}
