import type { Context, MiddlewareHandler } from "hono";
import { metricsActor } from "../../../core/actors.ts";
import { describeError, log } from "../../../core/log.ts";
import { HTTP_DURATION_BUCKETS, addHistogram, histogramTally, increment, seriesKey, tallyObservation, type HistogramTally, type Series } from "../../../core/metrics.ts";
import { ApiError } from "../../lib/errors.ts";
import { executionContext } from "../../lib/context.ts";
import { routePattern } from "../../lib/route-pattern.ts";

/** How often a Worker hands its HTTP counts to the Metrics actor: what /metrics shows of them lags by at most this. */
export const FLUSH_INTERVAL_MS = 5_000;

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

// Counts of this isolate not yet handed over. Losing them with the isolate loses a few
// seconds of counts at most: harmless (DESIGN.md), as for any process's counters.
// Server errors start at 0, so that an error-rate alert has a series to divide before the first 5xx.
let unflushed: Series = { [seriesKey("streamhub_errors_total", { source: "http", code: 500 })]: 0 };
// Not at the isolate's first request but one interval after it: a node's first answer (the
// health check polled while it starts) does not share its moment with the Metrics actor's start.
let lastFlush: number | undefined;
let flushing: Promise<void> | null = null;

/** One route's requests since the last flush, kept as plain numbers: series keys are built at the flush, not per request. */
interface RouteTally {
  method: string;
  route: string;
  byStatus: Map<number, number>;
  duration: HistogramTally;
}
/**
 * By route pattern, then method. The patterns are the route table's own strings, whose hash is
 * computed once and kept; a key joining pattern and method would be a new string to build and
 * hash on every request.
 */
let tallies = new Map<string, Map<string, RouteTally>>();

/** The tallies turned into series (and emptied), added to what is left unflushed. */
function takeCounts(): Series {
  const counts = unflushed;
  unflushed = {};
  for (const byMethod of tallies.values()) {
    for (const { method, route, byStatus, duration } of byMethod.values()) {
      for (const [status, n] of byStatus) increment(counts, "streamhub_http_requests_total", { method, route, status }, n);
      addHistogram(counts, "streamhub_http_request_duration_seconds", { method, route }, duration);
    }
  }
  tallies = new Map();
  return counts;
}

/**
 * Hands this isolate's counts to the Metrics actor, one call for all of them
 * (a request never waits on it: it runs after the response, under waitUntil).
 * Counts the call did not take are kept for the next one.
 */
function flushHttpMetrics(env: Env): Promise<void> {
  if (flushing) return flushing;
  lastFlush = Date.now();
  const counts = takeCounts();
  flushing = metricsActor(env)
    .addNodeCounts(counts)
    .catch((error: unknown) => {
      for (const [key, value] of Object.entries(counts)) unflushed[key] = (unflushed[key] ?? 0) + value;
      log("warn", "could not hand HTTP metrics to the metrics actor; they go with the next flush", describeError(error));
    })
    .finally(() => {
      flushing = null;
    });
  return flushing;
}

/** What one request adds: its count and duration by route pattern, a 5xx as an error, a quota denial outside any app. */
function count(c: Context, seconds: number): void {
  const asked = c.req.method;
  const method = METHODS.has(asked) ? asked : "OTHER";
  const route = routePattern(c);
  const status = c.res.status;
  let byMethod = tallies.get(route);
  if (!byMethod) tallies.set(route, (byMethod = new Map()));
  let tally = byMethod.get(method);
  if (!tally) byMethod.set(method, (tally = { method, route, byStatus: new Map(), duration: histogramTally(HTTP_DURATION_BUCKETS) }));
  tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
  tallyObservation(tally.duration, seconds);
  if (status >= 500) increment(unflushed, "streamhub_errors_total", { source: "http", code: status });
  // A denial on an app's route is counted by that app's actor (its quota.exceeded event); this one had no app.
  if (c.error instanceof ApiError && c.error.code === "quota_exceeded" && !c.get("app")) {
    increment(unflushed, "streamhub_quota_denials_total", { tenant: c.get("auth")?.tenantId ?? "none", metric: String(c.error.fields.metric) });
  }
}

/**
 * Counts every request for /metrics (`streamhub_http_requests_total`,
 * `streamhub_http_request_duration_seconds`, `streamhub_errors_total`) in
 * memory, and hands the counts to the Metrics actor every few seconds — never
 * a call per request. Durations are as the Worker's clock sees them, which
 * advances with I/O, not with CPU alone.
 */
export const httpMetrics = (): MiddlewareHandler =>
  async function httpMetrics(c, next) {
    const started = performance.now();
    await next();
    count(c, (performance.now() - started) / 1000);
    lastFlush ??= Date.now();
    if (Date.now() - lastFlush >= FLUSH_INTERVAL_MS && !flushing) {
      const flushed = flushHttpMetrics(c.env);
      // Without an execution context (a test calling app.request) the flush runs on its own.
      executionContext(c)?.waitUntil(flushed);
    }
  };
