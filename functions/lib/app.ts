import { OpenAPIHono, createRoute, z, type RouteConfig } from "@hono/zod-openapi";
import { authorize } from "../middleware/authorize/index.ts";
import type { Requirement } from "./auth/permissions.ts";
import type { AppEnv } from "./context.ts";
import { errorResponse } from "./schemas.ts";
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
 * An OpenAPIHono whose validation failures become the 400 error envelope: the
 * REST API's resources (routes/v1), loaded on demand by functions/index.ts.
 */
export function newApp(): App {
  return new OpenAPIHono<AppEnv>({
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
