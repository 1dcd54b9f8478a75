import { OpenAPIHono, createRoute, z, type RouteConfig } from "@hono/zod-openapi";
import type { Context, Handler } from "hono";
import type { Router } from "hono/router";
import type { RouterRoute } from "hono/types";
import { HTTPException } from "hono/http-exception";
import { ConfigError } from "../../core/config.ts";
import { authorize } from "../middleware/authorize/index.ts";
import type { Requirement } from "./auth/permissions.ts";
import type { AppEnv } from "./context.ts";
import { errorBody, errorResponse } from "./envelope.ts";
import { ApiError, ERRORS, type ErrorCode } from "./errors.ts";
import { describeError, log } from "../../core/log.ts";

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

/**
 * `{app}` is not validated into a 400: a name that cannot exist is simply an
 * app that is not found, the same 404 a caller gets for any app it may not see.
 */
const AppParams = z.object({
  app: z.string().openapi({ param: { name: "app", in: "path" }, example: "demo" }),
});

type AppRouteConfig = Omit<RouteConfig, "security" | "middleware" | "request"> & {
  /** `params` holds the route's own path parameters; `{app}` is added. */
  request?: Omit<NonNullable<RouteConfig["request"]>, "params"> & { params?: z.ZodObject };
};

type OwnParams<R extends AppRouteConfig> = R["request"] extends { params: z.ZodObject<infer Shape> } ? Shape : {};

/** `R` with `{app}` among its path parameters (spelled out: TypeScript cannot follow the spread of a generic). */
type AppScoped<R extends AppRouteConfig> = Omit<R, "request"> & {
  request: Omit<NonNullable<R["request"]>, "params"> & { params: z.ZodObject<typeof AppParams.shape & OwnParams<R>> };
};

/**
 * A protected route under `/apps/{app}/…`: `{app}` is a path parameter, and an
 * unknown app (or one the caller may not see) is the 404, documented once
 * here. `authorize` loads the app into `c.get("app")`. A route whose 404 also
 * covers its own resource says so in its `responses`.
 */
export function appRoute<R extends AppRouteConfig>(permission: Requirement, route: R) {
  const scoped = {
    ...route,
    request: { ...route.request, params: AppParams.extend(route.request?.params?.shape ?? {}) },
    responses: { 404: errorResponse("No such app (or not visible to the caller)"), ...route.responses },
  };
  return protectedRoute(permission, scoped as unknown as AppScoped<R>);
}

/**
 * An OpenAPIHono whose validation failures become the 400 error envelope.
 * `router`: the Worker's root app passes a TrieRouter, which takes routes added
 * after the first request (the REST API's, loaded on demand: functions/index.ts).
 */
export function newApp(options: { router?: Router<[Handler, RouterRoute]> } = {}): App {
  return new OpenAPIHono<AppEnv>({
    ...options,
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError("validation_failed", summarizeIssues(result.error.issues), {
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
export function notFound(app: App) {
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
