import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../lib/context.ts";
import { digestsEqual } from "../../lib/auth/compare.ts";
import { ApiError } from "../../lib/errors.ts";

/**
 * Node agents (the relay sidecar, cluster nodes) authenticate with
 * `X-Cluster-Token: <STREAMHUB_CLUSTER_TOKEN>`, compared in constant time.
 * Unset on this node → 503 (the feature is off); wrong or missing → 401.
 */
export const clusterToken = (): MiddlewareHandler<AppEnv> =>
  async function clusterToken(c, next) {
    const expected = c.get("config").STREAMHUB_CLUSTER_TOKEN;
    if (!expected) throw new ApiError("cluster_disabled", "node agents are off: STREAMHUB_CLUSTER_TOKEN is not set");
    const presented = c.req.header("X-Cluster-Token") ?? "";
    if (!(await digestsEqual(presented, expected))) throw new ApiError("unauthorized", "X-Cluster-Token is missing or wrong");
    await next();
  };
