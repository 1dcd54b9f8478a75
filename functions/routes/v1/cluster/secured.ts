import { PERMISSION_EXTENSION } from "../../../lib/app.ts";
import { commonErrorResponses, errorResponse } from "../../../lib/schemas.ts";
import { clusterToken } from "../../../middleware/cluster-token/index.ts";

/** Node agents' routes: X-Cluster-Token, compared in constant time (middleware/cluster-token). */
export const clusterSecured = { security: [{ clusterToken: [] }], [PERMISSION_EXTENSION]: "cluster-token", middleware: [clusterToken()] };

export const agentErrors = {
  400: commonErrorResponses[400],
  401: errorResponse("X-Cluster-Token missing or wrong"),
  413: commonErrorResponses[413],
  415: commonErrorResponses[415],
  503: errorResponse("STREAMHUB_CLUSTER_TOKEN is not set (cluster_disabled)"),
} as const;
