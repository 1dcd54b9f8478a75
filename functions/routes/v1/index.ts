import { newApp } from "../../lib/app.ts";
import { appsApi } from "./apps/index.ts";
import { auditApi } from "./audit/index.ts";
import { authApi } from "./auth/index.ts";
import { clusterApi } from "./cluster/index.ts";
import { healthDocs } from "./health/schema.ts";
import { logsApi } from "./logs/index.ts";
import { registerOpenApi } from "./openapi/get.ts";
import { relaysApi } from "./relays/index.ts";
import { statsApi } from "./stats/index.ts";
import { teamsApi } from "./teams/index.ts";
import { tenantsApi } from "./tenants/index.ts";
import { tokensApi } from "./tokens/index.ts";
import { usersApi } from "./users/index.ts";
import { webhooksApi } from "./webhooks/index.ts";

/**
 * The REST API: one sub-app per resource, mounted at its URL; each folder's
 * index.ts is that resource's sub-app. `/api/v1` is a base path rather than a
 * mount prefix so that the OpenAPI document this app serves carries full paths.
 * The Worker's entry loads this module on the first request that needs it
 * (functions/index.ts): its routes' schemas are most of the Worker's start-up work.
 */
export const v1 = newApp().basePath("/api/v1");

// Served by the Worker's entry (functions/index.ts), documented here.
v1.route("/health", healthDocs);
v1.route("/auth", authApi);
v1.route("/apps", appsApi);
v1.route("/tokens", tokensApi);
v1.route("/users", usersApi);
v1.route("/tenants", tenantsApi);
v1.route("/teams", teamsApi);
v1.route("/logs", logsApi);
v1.route("/audit", auditApi);
v1.route("/cluster", clusterApi);
v1.route("/relays", relaysApi);
v1.route("/webhooks", webhooksApi);
v1.route("/stats", statsApi);
registerOpenApi(v1);
