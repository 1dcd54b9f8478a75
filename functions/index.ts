// The composition root: builds the Worker, registers every route, exports the
// actor classes. Behaviour lives in the files it imports, not here.
import { newApp, notFound, onError } from "./lib/app.ts";
import { tokenCors } from "./middleware/token-cors/index.ts";
import { config } from "./middleware/config/index.ts";
import { audit } from "./middleware/audit/index.ts";
import { jsonBody } from "./middleware/json-body/index.ts";
import { requestId } from "./middleware/request-id/index.ts";
import { registerAppsCreate } from "./routes/v1/apps/create.ts";
import { registerAppsDelete } from "./routes/v1/apps/delete.ts";
import { registerAppsGet } from "./routes/v1/apps/get.ts";
import { registerAppsList } from "./routes/v1/apps/list.ts";
import { registerAppsUpdate } from "./routes/v1/apps/update.ts";
import { registerIngress } from "./routes/v1/apps/ingress/routes.ts";
import { registerS3 } from "./routes/v1/apps/s3/routes.ts";
import { registerStreams } from "./routes/v1/apps/streams/routes.ts";
import { registerJoinTokens } from "./routes/v1/apps/tokens/join.ts";
import { registerPlayToken } from "./routes/v1/apps/tokens/play.ts";
import { registerAuthLogin } from "./routes/v1/auth/login.ts";
import { registerAuthMe } from "./routes/v1/auth/me.ts";
import { registerAuthSessions } from "./routes/v1/auth/sessions.ts";
import { registerHealthGet } from "./routes/v1/health/get.ts";
import { registerLogs } from "./routes/v1/logs/routes.ts";
import { registerOpenApi } from "./routes/v1/openapi/get.ts";
import { registerRelays } from "./routes/v1/relays/routes.ts";
import { registerTeamsMine } from "./routes/v1/teams/mine.ts";
import { registerTenantMembers } from "./routes/v1/tenants/members.ts";
import { registerTenants } from "./routes/v1/tenants/routes.ts";
import { registerTokensCreate } from "./routes/v1/tokens/create.ts";
import { registerTokensList } from "./routes/v1/tokens/list.ts";
import { registerTokensRevoke } from "./routes/v1/tokens/revoke.ts";
import { registerUsers } from "./routes/v1/users/routes.ts";
import { registerLiveKitWebhook } from "./routes/v1/webhooks/livekit.ts";
import { serveAssets } from "./routes/assets.ts";

const app = newApp();

app.use("*", requestId());
app.use("*", config());
app.use("/api/v1/apps/:app/tokens", tokenCors());
app.use("/api/*", audit());
app.use("/api/*", jsonBody({ maxBytes: (c) => c.var.config.STREAMHUB_MAX_BODY_BYTES }));

registerHealthGet(app);
registerAppsList(app);
registerAppsCreate(app);
registerAppsGet(app);
registerAppsUpdate(app);
registerAppsDelete(app);
registerTokensList(app);
registerTokensCreate(app);
registerTokensRevoke(app);
registerAuthLogin(app);
registerAuthMe(app);
registerAuthSessions(app);
registerUsers(app);
registerTenants(app);
registerTenantMembers(app);
registerTeamsMine(app);
registerLogs(app);
registerJoinTokens(app);
registerPlayToken(app);
registerStreams(app);
registerIngress(app);
registerS3(app);
registerLiveKitWebhook(app);
registerRelays(app);
registerOpenApi(app);

serveAssets(app);
app.notFound(notFound(app));
app.onError(onError);

export default app;
export { AppActor } from "../durable/app/app-actor.ts";
export { QuotaLedger } from "../durable/quota/quota-ledger.ts";
export { Registry } from "../durable/registry/registry.ts";
