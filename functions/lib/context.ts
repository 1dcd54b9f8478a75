import type { Context } from "hono";
import type { Config } from "../../core/config.ts";
import type { AppRecord } from "../../durable/registry/apps.repo.ts";
import type { AuthContext } from "./auth/authenticate.ts";

/** The Worker's Hono environment: its bindings (`wrangler types`); the variables are typed below. */
export type AppEnv = { Bindings: Env };

/** The request's execution context, or undefined where there is none (a test calling `app.request`): Hono's getter throws then. */
export function executionContext(c: Context): Context["executionCtx"] | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

// What the middleware put on the context. Read with `c.get("name")`, not `c.var.name`:
// Hono's `c.var` copies every variable into a new object on each read, a cost paid many
// times per request on the hot path (a test in test/architecture keeps it out).
declare module "hono" {
  interface ContextVariableMap {
    /** middleware/request-id: the request's id, echoed in `X-Request-Id` and every error body. */
    requestId: string;
    /** middleware/config: the validated environment. */
    config: Config;
    /** middleware/authorize, on protected routes: who is calling. */
    auth: AuthContext;
    /** middleware/authorize, on routes with `{app}`: that app, loaded once and checked against the caller. */
    app: AppRecord;
    /** middleware/json-body: the request's JSON body, parsed once (absent when it has none). */
    jsonBody: unknown;
    /** lib/route-pattern: the pattern of the route that answered, found once after the handlers ran. */
    routePattern: string;
  }
}
