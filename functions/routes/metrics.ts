import { Hono } from "hono";
import pkg from "../../package.json" with { type: "json" };
import { metricsActor } from "../../core/actors.ts";
import { renderExposition } from "../../core/metrics.ts";
import { digestsEqual } from "../lib/auth/compare.ts";
import { errorBody } from "../lib/envelope.ts";
import { ERRORS } from "../lib/errors.ts";
import { livekitClients } from "../../core/livekit.ts";
import { livekitReachable } from "../lib/livekit-probe.ts";
import type { AppEnv } from "../lib/context.ts";

/**
 * GET /metrics (API.md §3): the Prometheus text exposition. Off (404) unless
 * `METRICS_TOKEN` is set; then only that token opens it, as `Authorization:
 * Bearer <t>` or `?token=<t>` (compared in constant time), and anything else
 * is a 403 — no API credential opens it. One call into the Metrics actor,
 * which holds what every app reported (a scrape never asks the apps).
 */
export const metricsApi = new Hono<AppEnv>();

metricsApi.get("/", async (c) => {
  const expected = c.get("config").METRICS_TOKEN;
  if (expected === undefined) return c.json(errorBody("not_found", "metrics are off: set METRICS_TOKEN to enable /metrics", c.get("requestId")), ERRORS.not_found.status);
  const bearer = /^Bearer[ \t]+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1];
  const presented = bearer ?? c.req.query("token");
  if (presented === undefined || !(await digestsEqual(presented, expected))) {
    return c.json(errorBody("forbidden", "a valid metrics token is required (Authorization: Bearer, or ?token=)", c.get("requestId")), ERRORS.forbidden.status);
  }
  // Nothing is written on a scrape (a write would hold the actor's answer until it is on disk):
  // this Worker's HTTP counts arrive with its next flush, at most FLUSH_INTERVAL_MS behind.
  const [livekit, reported] = await Promise.all([livekitReachable(c.get("config").LIVEKIT_URL, livekitClients(c.get("config")) !== null), metricsActor(c.env).exposition()]);
  const measured = renderExposition([{ labels: {}, series: { [`streamhub_build_info{version="${pkg.version}"}`]: 1, streamhub_livekit_up: livekit.reachable ? 1 : 0 } }]);
  return c.body(measured + reported, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store" });
});
