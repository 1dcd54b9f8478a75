import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError } from "../../core/config.ts";
import { describeError, log } from "../../core/log.ts";
import type { AppEnv } from "./context.ts";
import { errorBody } from "./envelope.ts";
import { ApiError, ERRORS, type ErrorCode } from "./errors.ts";

// The Worker's last word on a request: its errors and its unknown paths, as the
// error envelope. Plain Hono and no zod: the routes served from the first
// moment (functions/index.ts) need these before the REST API is loaded.

/** The error envelope for `code`, with the status the code always has (lib/errors.ts). */
const errorAnswer = (c: Context, code: ErrorCode, message: string, requestId: string) => c.json(errorBody(code, message, requestId), ERRORS[code].status);

/** The one place an error becomes a response. A 500 logs its cause and says nothing of it. */
export function onError(error: Error, c: Context): Response {
  const requestId = c.get("requestId") ?? "unknown";
  c.header("X-Request-Id", requestId);
  if (error instanceof ApiError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    const body = errorBody(error.code, error.message, requestId, error.details);
    return c.json({ ...body, error: { ...body.error, ...error.fields } }, error.status);
  }
  if (error instanceof ConfigError) {
    log("error", "configuration is invalid", { requestId, variables: error.variables, cause: error.message });
    return errorAnswer(c, "misconfigured", error.message, requestId);
  }
  if (error instanceof HTTPException && error.status === 400) {
    // Hono's JSON validator: a route that needs a body got none (a present but broken body is caught earlier).
    return errorAnswer(c, "malformed_json", "request body is missing or not valid JSON", requestId);
  }
  if (error instanceof HTTPException && error.status === 415) {
    // Hono's JSON validator takes fewer JSON media types than the body check does (e.g. application/vnd.x.v2+json).
    return errorAnswer(c, "unsupported_media_type", "request body must be JSON (Content-Type: application/json)", requestId);
  }
  log("error", "unhandled error", { requestId, method: c.req.method, path: c.req.path, ...describeError(error) });
  return errorAnswer(c, "internal_error", "internal error; quote the request id when reporting it", requestId);
}

/**
 * Unknown paths are 404; a known path with another method is 405 with `Allow`.
 * Hono has no 405 of its own, so the registered route table is matched here.
 */
export function notFound(app: Hono<AppEnv>) {
  let table: { method: string; pattern: RegExp }[] = [];
  // Built again when routes were added since (the REST API's are mounted on demand: functions/index.ts).
  let builtFrom = -1;
  return (c: Context): Response => {
    if (builtFrom !== app.routes.length) {
      builtFrom = app.routes.length;
      table = app.routes
        // Middleware ("ALL") and the dashboard's catch-all say nothing about which methods a path allows.
        .filter((route) => route.method !== "ALL" && route.path !== "*" && route.path !== "/*")
        .map((route) => ({ method: route.method, pattern: pathPattern(route.path) }));
    }
    const path = c.req.path;
    const allowed = [...new Set(table.filter((route) => route.pattern.test(path)).map((route) => route.method))];
    const requestId = c.get("requestId");
    if (allowed.length > 0) {
      if (allowed.includes("GET")) allowed.push("HEAD");
      c.header("Allow", allowed.join(", "));
      return errorAnswer(c, "method_not_allowed", `${c.req.method} is not allowed on ${path}; use ${allowed.join(", ")}`, requestId);
    }
    return errorAnswer(c, "not_found", `no route for ${c.req.method} ${path}`, requestId);
  };
}

/** Hono path → anchored regex: `/api/v1/apps/:app` matches one segment per parameter. */
const pathPattern = (path: string) =>
  new RegExp(
    `^${path
      .split("/")
      .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment === "*" ? ".*" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/")}/?$`,
  );
