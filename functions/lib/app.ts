import { OpenAPIHono, createRoute, z, type RouteConfig } from "@hono/zod-openapi";
import type { Context, Handler, MiddlewareHandler } from "hono";
import type { ZodType } from "zod";
import { authorize } from "../middleware/authorize/index.ts";
import { clusterToken } from "../middleware/cluster-token/index.ts";
import type { Requirement } from "./auth/permissions.ts";
import type { AppEnv } from "./context.ts";
import { mediaTypeOf } from "./content-types.ts";
import { commonErrorResponses, errorResponse } from "./schemas.ts";
import { ApiError } from "./errors.ts";

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
 * A route for the node's own agents (cluster nodes, the RTSP relay sidecar):
 * `X-Cluster-Token`, compared in constant time (middleware/cluster-token), with
 * its answers documented once here — 401 for a missing or wrong token, 503 while
 * STREAMHUB_CLUSTER_TOKEN is unset, and a body's 400, 413 and 415 for a route that takes one.
 */
export const agentRoute = <R extends Omit<RouteConfig, "security" | "middleware">>(route: R) =>
  createRoute({
    ...route,
    security: [{ clusterToken: [] }],
    middleware: [clusterToken()] as const,
    [PERMISSION_EXTENSION]: "cluster-token",
    responses: {
      401: errorResponse("X-Cluster-Token missing or wrong"),
      503: errorResponse("STREAMHUB_CLUSTER_TOKEN is not set (cluster_disabled)"),
      ...(route.request?.body ? { 400: commonErrorResponses[400], 413: commonErrorResponses[413], 415: commonErrorResponses[415] } : {}),
      // A route says more about an answer it gives for more reasons.
      ...route.responses,
    },
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

/** `route` with `{app}` added to its path parameters and `notFound` as its 404, unless it says more. */
function appScoped<R extends AppRouteConfig>(route: R, notFound: string): AppScoped<R> {
  const scoped = {
    ...route,
    request: { ...route.request, params: AppParams.extend(route.request?.params?.shape ?? {}) },
    responses: { 404: errorResponse(notFound), ...route.responses },
  };
  return scoped as unknown as AppScoped<R>;
}

/**
 * A protected route under `/apps/{app}/…`: `{app}` is a path parameter, and an
 * unknown app (or one the caller may not see) is the 404, documented once
 * here. `authorize` loads the app into `c.get("app")`. A route whose 404 also
 * covers its own resource says so in its `responses`.
 */
export const appRoute = <R extends AppRouteConfig>(permission: Requirement, route: R) =>
  protectedRoute(permission, appScoped(route, "No such app (or not visible to the caller)"));

/**
 * A route under `/apps/{app}/…` that anyone may call (players' play tokens and
 * quality reports): `{app}` is a path parameter, as in appRoute, but with no
 * credential there is no `authorize` to load the app: the handler does.
 */
export const publicAppRoute = <R extends AppRouteConfig>(route: R) => publicRoute(appScoped(route, "No such app"));

/**
 * An OpenAPIHono for the REST API's resources (routes/v1, loaded on demand by
 * functions/index.ts). Each route is described in the OpenAPI document as
 * written, and its inputs are checked against the same zod schemas by one
 * middleware (checkInput): path parameters, query and JSON body, in the order
 * @hono/zod-openapi checks them, with its answers (415 for a media type the
 * route does not declare), a failure being the 400 `validation_failed`
 * envelope. One synchronous layer instead of its three or four asynchronous
 * ones, and the body parsed once (by the JSON body middleware): a few per
 * cent of a token mint.
 */
export function newApp(): App {
  // The hook answers validation failures with the envelope too in an app made from this one by
  // Hono (`basePath`), whose openapi() is @hono/zod-openapi's own.
  const app = new OpenAPIHono<AppEnv>({ defaultHook: (result) => void (result.success || refuse(result.error.issues)) });
  app.openapi = ((route: RouteConfig, handler: Handler<AppEnv>) => {
    // As @hono/zod-openapi does: the route's middleware and `hide` are not part of its description.
    const { middleware: routeMiddleware, hide, ...described } = route;
    if (!hide) app.openAPIRegistry.registerPath(described);
    const middleware = routeMiddleware === undefined ? [] : [routeMiddleware].flat();
    const check = checkInput(route);
    app.on([route.method], [route.path.replaceAll(/\/{(.+?)}/g, "/:$1")], ...middleware, ...(check ? [check] : []), handler);
    return app;
  }) as unknown as App["openapi"];
  return app;
}

/** What @hono/zod-openapi takes as a JSON body's media type (it gates with this, then Hono's validator reads the body). */
const JSON_REQUEST = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;
/** Hono's JSON validator reads the body only for these media types (and validates `{}` otherwise). */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

// As @hono/zod-openapi tells a zod schema from a reference or a plain JSON Schema.
const isZod = (schema: unknown): schema is ZodType => typeof (schema as ZodType | undefined)?.safeParse === "function";

/** Whether a request's Content-Type is one of the media types a route declares for its body. */
function declares(mediaType: string, contentType: string): boolean {
  if (mediaType === "application/json") return JSON_REQUEST.test(contentType);
  return mediaTypeOf(contentType) === mediaType.toLowerCase();
}

/** The value as the schema makes it (what `c.req.valid()` answers), or the 400. */
function checked(schema: ZodType, value: unknown): object {
  const result = schema.safeParse(value);
  if (result.success) return result.data as object;
  return refuse(result.error.issues);
}

type Issue = { path: PropertyKey[]; message: string; code: string };

/** The 400 `validation_failed` envelope, naming the first field and listing every issue. */
function refuse(issues: Issue[]): never {
  throw new ApiError("validation_failed", summarizeIssues(issues), {
    details: issues.map((issue) => ({ path: issue.path.join("."), message: issue.message, code: issue.code })),
  });
}

/** The middleware that checks a route's inputs (see newApp), or none when it declares none. */
function checkInput(route: RouteConfig): MiddlewareHandler<AppEnv> | undefined {
  const { params, query, body, headers, cookies } = route.request ?? {};
  if (headers || cookies) throw new Error(`${route.method} ${route.path}: header and cookie schemas are not checked; declare them in the handler`);
  const content = body?.content ?? {};
  const mediaTypes = Object.keys(content);
  const schemaOf = (type: string) => {
    const entry = content[type];
    return entry && "schema" in entry ? entry.schema : undefined;
  };
  // Validated only when the body is JSON with a zod schema (a body documented by reference is the handler's to read).
  const jsonSchema = mediaTypes.map(schemaOf).find((schema, i) => isZod(schema) && JSON_MEDIA_TYPE.test(mediaTypes[i]!)) as ZodType | undefined;
  if (jsonSchema && !body?.required) throw new Error(`${route.method} ${route.path}: an optional JSON body is not supported`);
  if (mediaTypes.some((type) => isZod(schemaOf(type)) && !JSON_MEDIA_TYPE.test(type))) {
    throw new Error(`${route.method} ${route.path}: only JSON bodies are checked`);
  }
  if (!params && !query && !jsonSchema) return undefined;

  return function checkInput(c, next) {
    if (query) c.req.addValidatedData("query", checked(query as ZodType, queryOf(c)));
    if (params) c.req.addValidatedData("param", checked(params as ZodType, c.req.param()));
    if (jsonSchema) {
      const contentType = c.req.header("Content-Type");
      // A body with no Content-Type never gets here: the JSON body middleware refused it. An empty
      // Content-Type counts as none, as in @hono/zod-openapi (validated as `{}`).
      if (contentType && !mediaTypes.some((type) => declares(type, contentType))) {
        throw new ApiError("unsupported_media_type", "request body must be JSON (Content-Type: application/json)");
      }
      c.req.addValidatedData("json", checked(jsonSchema, jsonValue(c, contentType)));
    }
    return next();
  };
}

/** As Hono's validator reads them: a name given once is a string, given more than once a list. */
function queryOf(c: Context<AppEnv>): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const [name, all] of Object.entries(c.req.queries())) values[name] = all.length === 1 ? all[0]! : all;
  return values;
}

/** The body the JSON body middleware parsed; `{}` (to be refused by the schema) when the request says it is not JSON. */
function jsonValue(c: Context<AppEnv>, contentType: string | undefined): unknown {
  if (!JSON_MEDIA_TYPE.test(mediaTypeOf(contentType))) return {};
  const body = c.get("jsonBody");
  if (body === undefined) throw new ApiError("malformed_json", "request body is missing or not valid JSON");
  return body;
}

function summarizeIssues(issues: Issue[]): string {
  const first = issues[0];
  if (!first) return "invalid request";
  const where = first.path.length > 0 ? `${first.path.map(String).join(".")}: ` : "";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${where}${first.message}${more}`;
}
