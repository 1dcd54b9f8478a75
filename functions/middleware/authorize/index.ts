import type { Context, MiddlewareHandler } from "hono";
import { registry } from "../../../core/actors.ts";
import { appRecord } from "../../lib/app-records.ts";
import type { AppEnv } from "../../lib/context.ts";
import { authenticate, type AuthContext } from "../../lib/auth/authenticate.ts";
import { APP_TOKEN_GLOBAL_PERMISSIONS, roleCan, type Permission, type Requirement } from "../../lib/auth/permissions.ts";
import { ApiError, appNotFound } from "../../lib/errors.ts";
import { describeError, log } from "../../../core/log.ts";
import { APP_NAME } from "../../../core/names.ts";

type Denial = { status: 403 | 404; message: string };

/**
 * A denial in `on` mode; in `log` mode it is recorded as WOULD-DENY (see
 * GET /api/v1/logs) and the request goes on; in `off` mode it is not checked.
 */
async function deny(c: Context<AppEnv>, auth: AuthContext, requirement: Requirement, denial: Denial): Promise<void> {
  const mode = c.get("config").STREAMHUB_AUTHZ_ENFORCE;
  if (mode === "on") {
    throw denial.status === 404 ? notFoundFor(c) : new ApiError("forbidden", denial.message);
  }
  if (mode === "log") {
    const entry = {
      level: "warn" as const,
      source: "authz",
      tenantId: auth.tenantId,
      appId: c.req.param("app") ?? null,
      message: `WOULD-DENY ${c.req.method} ${c.req.path}: ${denial.message}`,
      metaJson: JSON.stringify({ userId: auth.userId, via: auth.via, role: auth.role, requirement, status: denial.status, requestId: c.get("requestId") }),
    };
    log("warn", entry.message, { requestId: c.get("requestId"), userId: auth.userId });
    try {
      await registry(c.env).appendLog(entry);
    } catch (error) {
      log("error", "could not record a would-deny decision", { requestId: c.get("requestId"), ...describeError(error) });
    }
  }
}

const notFoundFor = (c: Context<AppEnv>) => {
  const app = c.req.param("app");
  return app !== undefined ? appNotFound(app) : new ApiError("not_found", "not found");
};

/**
 * Authenticates the caller and checks `requirement`, in the order of API.md §0:
 * an app-scoped token on another app is a 404 (always: it is what the token
 * is); an unknown app is a 404; superadmin and global tokens may do anything;
 * others need the permission for their role, on an app or tenant of their own
 * (anything else is the same 404 as a missing one).
 */
export const authorize = (requirement: Requirement): MiddlewareHandler<AppEnv> =>
  async function authorize(c, next) {
    const auth = await authenticate(c);
    c.set("auth", auth);

    const appName = c.req.param("app");
    if (appName !== undefined) {
      if (auth.scope === "app" && auth.appName !== appName) throw appNotFound(appName);
      const app = APP_NAME.test(appName) ? await appRecord(c.env, appName) : null;
      if (!app) throw appNotFound(appName);
      // By id too: a token of a deleted app must not reach a new app of the same name.
      if (auth.scope === "app" && auth.appId !== app.id) throw appNotFound(appName);
      c.set("app", app);
      if (!auth.isSuperadmin && auth.scope !== "app" && app.tenantId !== auth.tenantId) {
        await deny(c, auth, requirement, { status: 404, message: "the app belongs to another tenant" });
      }
    }

    const tenantId = c.req.param("tenantId");
    if (tenantId !== undefined && !auth.isSuperadmin && tenantId !== auth.tenantId) {
      await deny(c, auth, requirement, { status: 404, message: "the tenant is not the caller's" });
    }

    if (requirement === "authenticated" || auth.isSuperadmin) return next();
    if (requirement === "superadmin") {
      await deny(c, auth, requirement, { status: 403, message: "only a superadmin or a global API token may do this" });
      return next();
    }
    if (auth.scope === "app") {
      if (appName === undefined && !APP_TOKEN_GLOBAL_PERMISSIONS.includes(requirement)) {
        await deny(c, auth, requirement, { status: 403, message: `an app-scoped token may not ${requirement} outside its app` });
      }
      return next();
    }
    if (auth.role === null || auth.role === "service" || auth.role === "superadmin" || !roleCan(auth.role, requirement)) {
      await deny(c, auth, requirement, { status: 403, message: `role ${auth.role ?? "none"} may not ${requirement}` });
    }
    return next();
  };

/**
 * Whether the authorized caller also holds `permission` (for showing more to
 * some callers of a route, e.g. stream keys only to those who may edit ingresses).
 */
export function callerMay(auth: AuthContext, permission: Permission): boolean {
  if (auth.isSuperadmin || auth.scope === "app") return true;
  return auth.role === "owner" || auth.role === "editor" || auth.role === "viewer" ? roleCan(auth.role, permission) : false;
}
