import { newApp } from "../../../lib/app.ts";
import { registerClusterHeartbeat } from "./heartbeat.ts";
import { registerClusterInfo } from "./info.ts";
import { registerClusterJoin } from "./join.ts";
import { registerClusterNodes } from "./nodes.ts";

/**
 * /api/v1/cluster: the node registry (API.md §1.1). Node agents (selfhost/agent.ts)
 * join and beat with the cluster token; superadmins see and steer the nodes.
 */
export const clusterApi = newApp();
registerClusterJoin(clusterApi);
registerClusterHeartbeat(clusterApi);
registerClusterInfo(clusterApi);
registerClusterNodes(clusterApi);
