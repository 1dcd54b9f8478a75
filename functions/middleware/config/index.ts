import type { MiddlewareHandler } from "hono";
import { configFromEnv } from "../../../core/config.ts";

/**
 * Validates the environment once per isolate (the result is cached by env
 * object) and exposes it as `c.get("config")`. A bad value throws ConfigError,
 * which `onError` answers with 503 `misconfigured` naming the variable.
 */
export const config = (): MiddlewareHandler<{ Bindings: Env }> =>
  // Not async: a layer every request passes through allocates no promise of its own.
  function config(c, next) {
    c.set("config", configFromEnv(c.env));
    return next();
  };
