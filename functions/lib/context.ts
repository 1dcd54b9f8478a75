import type { Config } from "../../core/config.ts";
import type { AppRecord } from "../../durable/registry/apps.repo.ts";
import type { AuthContext } from "./auth/authenticate.ts";

/** The Worker's Hono environment: its bindings (`wrangler types`); the variables are typed below. */
export type AppEnv = { Bindings: Env };

// What the middleware put on the context, for `c.var` and `c.get` everywhere.
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
  }
}
