import type { MiddlewareHandler } from "hono";
import type { Config } from "../../../core/config.ts";
import { log } from "../../../core/log.ts";
import { appOfPattern, routePattern } from "../../lib/route-pattern.ts";

type LineLevel = "info" | "warn" | "error";

const RANK: Record<Config["REQUEST_LOG_LEVEL"] | LineLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

/** A request's line is as severe as its answer: a 5xx an error, a 4xx a warning, anything else info. */
const levelOf = (status: number): LineLevel => (status >= 500 ? "error" : status >= 400 ? "warn" : "info");

/**
 * One structured JSON line per request: method, route pattern, status,
 * duration, request id and app. Never the raw path or query (a `?token=` would
 * be in it), headers or bodies. `REQUEST_LOG_LEVEL` says which lines are
 * written: `info` (the default) all of them, `warn` only 4xx and 5xx, `error`
 * only 5xx, `off` none.
 */
export const requestLog = (): MiddlewareHandler =>
  async function requestLog(c, next) {
    const started = performance.now();
    await next();
    const threshold = c.var.config?.REQUEST_LOG_LEVEL ?? "info";
    const status = c.res.status;
    const level = levelOf(status);
    if (RANK[level] < RANK[threshold]) return;
    const route = routePattern(c);
    log(level, "request", {
      method: c.req.method,
      route,
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      requestId: c.var.requestId,
      app: c.var.app?.name ?? appOfPattern(c, route),
    });
  };
