// The composition root: builds the Worker, applies the global middleware,
// mounts the API and the routes outside it, exports the actor classes.
// Behaviour lives in the files it imports, not here.
import { newApp, notFound, onError } from "./lib/app.ts";
import { tokenCors } from "./middleware/token-cors/index.ts";
import { config } from "./middleware/config/index.ts";
import { audit } from "./middleware/audit/index.ts";
import { httpMetrics } from "./middleware/http-metrics/index.ts";
import { jsonBody } from "./middleware/json-body/index.ts";
import { requestId } from "./middleware/request-id/index.ts";
import { requestLog } from "./middleware/request-log/index.ts";
import { assetsApi } from "./routes/assets.ts";
import { hlsApi } from "./routes/hls.ts";
import { metricsApi } from "./routes/metrics.ts";
import { pagesApi } from "./routes/pages.ts";
import { samplesApi } from "./routes/samples.ts";
import { sdkApi } from "./routes/sdk.ts";
import { v1 } from "./routes/v1/index.ts";

const app = newApp();

app.use("*", requestId());
app.use("*", requestLog());
app.use("*", httpMetrics());
app.use("*", config());
// Here rather than in the tokens sub-app: ahead of the body checks, so that their errors carry CORS headers too.
app.use("/api/v1/apps/:app/tokens", tokenCors());
app.use("/api/*", audit());
app.use("/api/*", jsonBody({ maxBytes: (c) => c.get("config").STREAMHUB_MAX_BODY_BYTES }));

// v1 carries its own base path, /api/v1 (see routes/v1/index.ts).
app.route("/", v1);
app.route("/hls", hlsApi);
app.route("/metrics", metricsApi);
app.route("/sdk", sdkApi);
app.route("/samples", samplesApi);
// /play/{app}/{room} and /embed/{app}/{room}.
app.route("/", pagesApi);
// Last: the dashboard answers whatever no route above did.
app.route("/", assetsApi);

app.notFound(notFound(app));
app.onError(onError);

export default app;
export { AppActor } from "../durable/app/app-actor.ts";
export { QuotaLedger } from "../durable/quota/quota-ledger.ts";
export { Registry } from "../durable/registry/registry.ts";
export { MetricsActor } from "../durable/metrics/metrics-actor.ts";
