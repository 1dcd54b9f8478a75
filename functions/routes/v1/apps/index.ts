import { newApp } from "../../../lib/app.ts";
import { registerAnalytics } from "./analytics.ts";
import { registerAppAudit } from "./audit.ts";
import { configApi } from "./config/index.ts";
import { registerAppsCreate } from "./create.ts";
import { registerAppsDelete } from "./delete.ts";
import { registerAppsGet } from "./get.ts";
import { ingressApi } from "./ingress/index.ts";
import { registerAppsList } from "./list.ts";
import { registerLiveFeed } from "./live-feed.ts";
import { registerAppLogs } from "./logs.ts";
import { registerPlayToken } from "./play-token.ts";
import { registerQoe } from "./qoe.ts";
import { recordingApi } from "./recording/index.ts";
import { s3Api } from "./s3/index.ts";
import { samplesApi } from "./samples/index.ts";
import { registerAppStats } from "./stats.ts";
import { streamsApi } from "./streams/index.ts";
import { joinTokensApi } from "./tokens/index.ts";
import { registerAppsUpdate } from "./update.ts";
import { vodsApi } from "./vods/index.ts";
import { appWebhooksApi } from "./webhooks/index.ts";

/**
 * /api/v1/apps: the apps themselves, and everything of one app under
 * /apps/{app}/… — a folder per sub-resource, a file where it is one route.
 */
export const appsApi = newApp();

registerAppsList(appsApi);
registerAppsCreate(appsApi);
registerAppsGet(appsApi);
registerAppsUpdate(appsApi);
registerAppsDelete(appsApi);
registerAppLogs(appsApi);
registerAppAudit(appsApi);
registerPlayToken(appsApi);
registerQoe(appsApi);
registerAnalytics(appsApi);
registerLiveFeed(appsApi);
registerAppStats(appsApi);

appsApi.route("/:app/tokens", joinTokensApi);
appsApi.route("/:app/streams", streamsApi);
appsApi.route("/:app/ingress", ingressApi);
appsApi.route("/:app/s3", s3Api);
appsApi.route("/:app/config", configApi);
appsApi.route("/:app/recording", recordingApi);
appsApi.route("/:app/vods", vodsApi);
appsApi.route("/:app/webhooks", appWebhooksApi);
appsApi.route("/:app/samples", samplesApi);
