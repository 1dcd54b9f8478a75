import { OpenAPIHono, createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError } from "../../core/config.ts";
import { authorize } from "../middleware/authorize/index.ts";
import type { Requirement } from "./auth/permissions.ts";
import { errorBody } from "./envelope.ts";
import { ApiError } from "./errors.ts";
import { describeError, log } from "../../core/log.ts";

export type AppEnv = { Bindings: Env };
export type App = OpenAPIHono<AppEnv>;

/** The OpenAPI extension that records who may call a route; the security tests read it. */
export const PERMISSION_EXTENSION = "x-streamhub-permission";

/** A route anyone may call. */
export const publicRoute = <R extends Omit<RouteConfig, "security">>(route: R) =>
  createRoute({ ...route, security: [], [PERMISSION_EXTENSION]: "public" });

/** A route that needs a bearer credential meeting `permission` (see lib/auth/permissions.ts). */
export const protectedRoute = <R extends Omit<RouteConfig, "security" | "middleware">>(permission: Requirement, route: R) =>
  createRoute({
    ...route,
    security: [{ bearerAuth: [] }],
    middleware: [authorize(permission)] as const,
    [PERMISSION_EXTENSION]: permission,
  });

/** An OpenAPIHono whose validation failures become the 400 error envelope. */
export function newApp(): App {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError(400, "validation_failed", summarizeIssues(result.error.issues), {
          details: result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message, code: issue.code })),
        });
      }
    },
  });
}

function summarizeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  if (!first) return "invalid request";
  const where = first.path.length > 0 ? `${first.path.map(String).join(".")}: ` : "";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${where}${first.message}${more}`;
}

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
    return c.json(errorBody("misconfigured", error.message, requestId), 503);
  }
  if (error instanceof HTTPException && error.status === 400) {
    // Hono's JSON validator: a route that needs a body got none (a present but broken body is caught earlier).
    return c.json(errorBody("malformed_json", "request body is missing or not valid JSON", requestId), 400);
  }
  log("error", "unhandled error", { requestId, method: c.req.method, path: c.req.path, ...describeError(error) });
  return c.json(errorBody("internal_error", "internal error; quote the request id when reporting it", requestId), 500);
}

/**
 * Unknown paths are 404; a known path with another method is 405 with `Allow`.
 * Hono has no 405 of its own, so the registered route table is matched here.
 */
export function notFound(app: App) {
  let table: { method: string; pattern: RegExp }[] | undefined;
  return (c: Context): Response => {
    table ??= app.routes
      // Middleware ("ALL") and the dashboard's catch-all say nothing about which methods a path allows.
      .filter((route) => route.method !== "ALL" && route.path !== "*" && route.path !== "/*")
      .map((route) => ({ method: route.method, pattern: pathPattern(route.path) }));
    const path = c.req.path;
    const allowed = [...new Set(table.filter((route) => route.pattern.test(path)).map((route) => route.method))];
    const requestId = c.get("requestId");
    if (allowed.length > 0) {
      if (allowed.includes("GET")) allowed.push("HEAD");
      c.header("Allow", allowed.join(", "));
      return c.json(errorBody("method_not_allowed", `${c.req.method} is not allowed on ${path}; use ${allowed.join(", ")}`, requestId), 405);
    }
    return c.json(errorBody("not_found", `no route for ${c.req.method} ${path}`, requestId), 404);
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
