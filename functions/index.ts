// The composition root: builds the Worker, applies the global middleware,
// mounts the API and the routes outside it, exports the actor classes.
// Behaviour lives in the files it imports, not here.
import { Hono, type Context, type Next } from "hono";
import type { AppEnv } from "./lib/context.ts";
import { CachedTrieRouter } from "./lib/cached-router.ts";
import { notFound, onError } from "./lib/error-handlers.ts";
import { describeError, log } from "../core/log.ts";
import { executionContext } from "./lib/context.ts";
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
import { healthApi } from "./routes/v1/health/index.ts";

// Plain Hono, with a router that takes routes after the first request: the REST API's are added
// on demand (below), and with them zod and the OpenAPI machinery, which nothing here needs.
// (Hono's default, SmartRouter, would pick the same TrieRouter for this route table anyway.)
// Its answers are remembered per path (lib/cached-router.ts).
const app = new Hono<AppEnv>({ router: new CachedTrieRouter() });

// The REST API's route table — every resource's routes and their zod schemas, most of
// what the Worker would otherwise evaluate before serving its first request — is
// loaded on demand (a few tens of milliseconds, once per isolate), then mounted here
// like any other routes. Health, the dashboard and the pages answer without it; the
// first of their answers starts loading it in the background, so that the first API
// request after a start does not wait for it either.
let apiMounted = false;
// A background load that failed is not tried again in the background (the same error would
// come back, and be logged, on every request); API requests still try, and say why they fail.
let preloadFailed = false;
const needsApi = (path: string) => path.startsWith("/api/v1/") && path !== "/api/v1/health";
// Each caller imports for itself rather than awaiting a promise another request made (see
// lib/shared-answer.ts for why); the module is evaluated once, and mounted once.
async function mountApi(): Promise<void> {
  const { v1 } = await import("./routes/v1/index.ts");
  if (apiMounted) return;
  app.route("/", v1);
  apiMounted = true;
}
// First of all: the request it loads for is routed again, from the top, once the routes exist.
// Once they do, a plain pass-through (not async: no promise of its own on every request).
app.use("*", function loadApi(c, next) {
  return apiMounted ? next() : beforeApiLoaded(c, next);
});
async function beforeApiLoaded(c: Context<AppEnv>, next: Next): Promise<Response | void> {
  if (!needsApi(c.req.path)) {
    await next();
    // In a later turn than this answer (a timer), so that it is sent first: the API request
    // that comes next finds the table loaded.
    if (!preloadFailed) {
      executionContext(c)?.waitUntil(
        new Promise((resolve) => setTimeout(resolve, 0))
          .then(mountApi)
          .catch((error: unknown) => {
            preloadFailed = true;
            log("warn", "loading the REST API's routes failed; API requests will try again", describeError(error));
          }),
      );
    }
    return;
  }
  await mountApi();
  return app.fetch(c.req.raw, c.env, executionContext(c));
}

app.use("*", requestId());
app.use("*", requestLog());
app.use("*", httpMetrics());
app.use("*", config());
// Here rather than in the tokens sub-app: ahead of the body checks, so that their errors carry CORS headers too.
app.use("/api/v1/apps/:app/tokens", tokenCors());
app.use("/api/*", audit());
app.use("/api/*", jsonBody({ maxBytes: (c) => c.get("config").STREAMHUB_MAX_BODY_BYTES }));

// The rest of /api/v1 is mounted on demand (above); it carries its own base path (routes/v1/index.ts).
app.route("/api/v1/health", healthApi);
app.route("/hls", hlsApi);
app.route("/metrics", metricsApi);
app.route("/sdk", sdkApi);
app.route("/samples", samplesApi);
// /play/{app}/{room} and /embed/{app}/{room}.
app.route("/", pagesApi);
// Last: the dashboard answers whatever no route above did. (The API, mounted later, comes after
// it in the table: for GETs under /api/ the catch-all passes on to it.)
app.route("/", assetsApi);

app.notFound(notFound(app));
app.onError(onError);

export default app;
export { AppActor } from "../durable/app/app-actor.ts";
export { QuotaLedger } from "../durable/quota/quota-ledger.ts";
export { Registry } from "../durable/registry/registry.ts";
export { MetricsActor } from "../durable/metrics/metrics-actor.ts";
