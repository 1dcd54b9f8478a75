import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "../../../core/config.ts";
import { flushHeldLog, holdLog } from "../../../core/log.ts";
import { executionContext } from "../../lib/context.ts";
import { appOfPattern, routePattern } from "../../lib/route-pattern.ts";

type LineLevel = "info" | "warn" | "error";

const RANK: Record<Config["REQUEST_LOG_LEVEL"] | LineLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

/** A request's line is as severe as its answer: a 5xx an error, a 4xx a warning, anything else info. */
const levelOf = (status: number): LineLevel => (status >= 500 ? "error" : status >= 400 ? "warn" : "info");

/**
 * Lines are written in batches (see holdLog): at most this long after their
 * request ended, or as soon as this many are held. A node killed outright
 * loses at most the last moment's lines, as a process's buffered stdout would.
 */
export const HOLD_MS = 50;
export const HOLD_LINES = 100;

/** When the pending flush was scheduled (0: none). One that never ran (its request's context torn down) is replaced after a second. */
let scheduledAt = 0;

/** Writes the held lines a moment from now, within the execution context of the request that asked (once for all of them). */
function scheduleFlush(c: Context): void {
  if (scheduledAt !== 0 && Date.now() - scheduledAt < 1_000) return;
  const ctx = executionContext(c);
  // No execution context (a test calling app.request): written at once.
  if (!ctx) return flushHeldLog();
  scheduledAt = Date.now();
  ctx.waitUntil(
    new Promise<void>((resolve) =>
      setTimeout(() => {
        scheduledAt = 0;
        flushHeldLog();
        resolve();
      }, HOLD_MS),
    ),
  );
}

/**
 * One structured JSON line per request: method, route pattern, status,
 * duration, request id and app. Never the raw path or query (a `?token=` would
 * be in it), headers or bodies. `REQUEST_LOG_LEVEL` says which lines are
 * written: `info` (the default) all of them, `warn` only 4xx and 5xx, `error`
 * only 5xx, `off` none. Lines are written in batches a few milliseconds
 * apart, not one console write per request (see HOLD_MS).
 */
export const requestLog = (): MiddlewareHandler =>
  async function requestLog(c, next) {
    const started = performance.now();
    await next();
    const threshold = c.get("config")?.REQUEST_LOG_LEVEL ?? "info";
    const status = c.res.status;
    const level = levelOf(status);
    if (RANK[level] < RANK[threshold]) return;
    const route = routePattern(c);
    const full = holdLog(level, "request", {
      method: c.req.method,
      route,
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      requestId: c.get("requestId"),
      app: c.get("app")?.name ?? appOfPattern(c, route),
    }, HOLD_LINES);
    if (full) flushHeldLog();
    else scheduleFlush(c);
  };
