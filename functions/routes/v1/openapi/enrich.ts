// What the OpenAPI document says beyond what each route declares: for every
// operation, every error code it can answer (with its meaning, under the
// status the code always has, functions/lib/errors.ts) and an example of each
// answer; a request example for every body; the quota denial's
// `metric`/`limit`/`used`; and the public routes outside /api.
import { ERRORS, type ErrorCode } from "../../../lib/errors.ts";
import { exampleFor } from "./examples.ts";

type Json = Record<string, any>;

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/**
 * `METHOD /path` patterns as one RegExp: `*` for any method, `{}` for any
 * path parameter, a trailing `**` for anything below.
 */
const at = (...routes: string[]) =>
  new RegExp(
    `^(${routes
      .map((route) =>
        route
          .replace(/[.+?^$()|[\]\\]/g, "\\$&")
          .replace(/\{\}/g, "\\{[^}]+\\}")
          .replace(/^\* /, "[A-Z]+ ")
          .replace(/\*\*$/, ".*"),
      )
      .join("|")})$`,
  );

const S3_PROBE = at("PUT /api/v1/apps/{}/s3");
const LIVEKIT_CALLS = at("POST /api/v1/apps/{}/ingress", "DELETE /api/v1/apps/{}/ingress/{}", "DELETE /api/v1/apps/{}/streams/{}", "POST /api/v1/apps/{}/streams/{}/**", "POST /api/v1/apps/{}/recording/**");

/**
 * Where each code that belongs to one part of the API can be answered. A code
 * not listed is one of the codes every operation can meet (see `generalCodes`).
 */
const WHERE: Partial<Record<ErrorCode, RegExp>> = {
  invalid_credentials: at("POST /api/v1/auth/login"),
  login_disabled: at("POST /api/v1/auth/login"),
  too_many_requests: at("POST /api/v1/auth/login", "POST /api/v1/auth/password", "GET /api/v1/apps/{}/play-token/{}", "POST /api/v1/apps/{}/qoe"),
  wrong_password: at("POST /api/v1/auth/password"),
  weak_password: at("POST /api/v1/auth/password"),
  public_playback_disabled: at("GET /api/v1/apps/{}/play-token/{}"),
  invalid_range: at("GET /api/v1/apps/{}/analytics"),
  range_too_large: at("GET /api/v1/apps/{}/analytics"),
  quota_exceeded: at("POST /api/v1/apps", "POST /api/v1/apps/{}/tokens", "POST /api/v1/apps/{}/ingress", "POST /api/v1/apps/{}/recording/start", "POST /api/v1/apps/{}/streams/{}/record/start"),
  app_not_found: at("* /api/v1/apps/{}", "* /api/v1/apps/{}/**"),
  app_exists: at("POST /api/v1/apps"),
  room_prefix_taken: at("POST /api/v1/apps", "PATCH /api/v1/apps/{}"),
  tenant_not_found: at("POST /api/v1/apps", "POST /api/v1/users", "PATCH /api/v1/users/{}", "POST /api/v1/tokens", "* /api/v1/tenants/{}", "* /api/v1/tenants/{}/**"),
  tenant_exists: at("POST /api/v1/tenants"),
  user_not_found: at("* /api/v1/users/{}", "* /api/v1/tenants/{}/members/{}"),
  user_exists: at("POST /api/v1/users", "POST /api/v1/tenants/{}/members", "POST /api/v1/teams/mine/members"),
  member_not_found: at("* /api/v1/tenants/{}/members/{}"),
  last_owner: at("PATCH /api/v1/tenants/{}/members/{}", "DELETE /api/v1/tenants/{}/members/{}", "PATCH /api/v1/users/{}", "DELETE /api/v1/users/{}"),
  member_of_another_tenant: at("POST /api/v1/tenants/{}/members", "POST /api/v1/teams/mine/members", "PATCH /api/v1/tenants/{}/members/{}"),
  token_not_found: at("* /api/v1/tokens/{}", "* /api/v1/tokens/{}/**"),
  session_not_found: at("DELETE /api/v1/auth/sessions/{}"),
  node_not_found: at("POST /api/v1/cluster/heartbeat", "* /api/v1/cluster/nodes/{}"),
  node_name_taken: at("PATCH /api/v1/cluster/nodes/{}"),
  node_stats_too_large: at("POST /api/v1/cluster/heartbeat"),
  cluster_disabled: at("* /api/v1/relays", "* /api/v1/relays/**", "POST /api/v1/cluster/join", "POST /api/v1/cluster/heartbeat"),
  livekit_not_configured: at("POST /api/v1/apps/{}/tokens", "GET /api/v1/apps/{}/play-token/{}", "POST /api/v1/webhooks/livekit", "POST /api/v1/apps/{}/ingress", "DELETE /api/v1/apps/{}/ingress/{}", "DELETE /api/v1/apps/{}/streams/{}", "POST /api/v1/apps/{}/streams/{}/**", "POST /api/v1/apps/{}/recording/**"),
  livekit_unreachable: LIVEKIT_CALLS,
  livekit_rejected: LIVEKIT_CALLS,
  livekit_failed: LIVEKIT_CALLS,
  stream_not_found: at("* /api/v1/apps/{}/streams/{}", "* /api/v1/apps/{}/streams/{}/**"),
  ingress_not_found: at("* /api/v1/apps/{}/ingress/{}", "* /api/v1/apps/{}/ingress/{}/**", "POST /api/v1/relays/{}/status"),
  recording_disabled: at("POST /api/v1/apps/{}/recording/start", "POST /api/v1/apps/{}/streams/{}/record/start"),
  recording_ended: at("POST /api/v1/apps/{}/recording/{}/stop", "POST /api/v1/apps/{}/streams/{}/record/stop"),
  recording_running: at("DELETE /api/v1/apps/{}/vods/{}"),
  vod_not_found: at("* /api/v1/apps/{}/vods/{}", "* /api/v1/apps/{}/vods/{}/**", "POST /api/v1/apps/{}/recording/{}/stop", "POST /api/v1/apps/{}/streams/{}/record/stop"),
  s3_not_configured: at("POST /api/v1/apps/{}/recording/start", "POST /api/v1/apps/{}/streams/{}/record/start", "POST /api/v1/apps/{}/streams/{}/hls/start"),
  s3_endpoint_private: S3_PROBE,
  s3_unreachable: S3_PROBE,
  s3_invalid_key: S3_PROBE,
  s3_invalid_secret: S3_PROBE,
  s3_bucket_not_found: S3_PROBE,
  s3_access_denied: S3_PROBE,
  s3_wrong_region: S3_PROBE,
  s3_probe_failed: S3_PROBE,
  s3_error: at("DELETE /api/v1/apps/{}/vods/{}"),
  webhook_not_found: at("* /api/v1/apps/{}/webhooks/{}", "* /api/v1/apps/{}/webhooks/{}/**"),
  webhook_url_private: at("POST /api/v1/apps/{}/webhooks", "PATCH /api/v1/apps/{}/webhooks/{}"),
  delivery_not_found: at("* /api/v1/apps/{}/webhooks/{}/deliveries/{}", "* /api/v1/apps/{}/webhooks/{}/deliveries/{}/**"),
  sample_not_found: at("GET /api/v1/apps/{}/samples/{}", "DELETE /api/v1/apps/{}/samples/{}"),
  sample_too_large: at("PUT /api/v1/apps/{}/samples/{}"),
  sample_limit_reached: at("PUT /api/v1/apps/{}/samples/{}"),
  // Never an operation's own answer: no route, or another method.
  not_found: /^$/,
  method_not_allowed: /^$/,
};

/** The codes any operation of its kind can answer: bad input, credentials, the body checks, the node. */
function generalCodes(method: string, operation: Json): ErrorCode[] {
  const codes: ErrorCode[] = ["validation_failed"];
  // A body is read on every method that may carry one, documented or not (json-body middleware).
  if (operation.requestBody || method !== "get") codes.push("malformed_json", "json_too_complex", "payload_too_large", "unsupported_media_type");
  if ((operation.security ?? []).length > 0) codes.push("unauthorized", "forbidden");
  else if (operation.responses?.["401"]) codes.push("unauthorized");
  codes.push("internal_error", "misconfigured");
  return codes;
}

/** Every code `METHOD path` can answer. */
export function codesOf(method: string, path: string, operation: Json): ErrorCode[] {
  const key = `${method.toUpperCase()} ${path}`;
  const scoped = (Object.keys(ERRORS) as ErrorCode[]).filter((code) => WHERE[code]?.test(key));
  return [...new Set([...generalCodes(method, operation), ...scoped])];
}

const REQUEST_ID = "req_3kq9TzWmQx2b";

const errorExample = (code: ErrorCode) => ({
  data: null,
  error: {
    code,
    message: ERRORS[code].meaning,
    requestId: REQUEST_ID,
    ...(code === "quota_exceeded" ? { metric: "maxConcurrentStreams", limit: 2, used: 2 } : {}),
  },
});

/** A quota denial: the error body plus which limit, how high, how much is used. */
const QUOTA_ERROR = {
  type: "object",
  description: "A quota denial (`quota_exceeded`). Superadmins and global tokens are never refused; `STREAMHUB_AUTHZ_ENFORCE=log` lets the request through and logs it.",
  properties: {
    data: { type: "null" },
    error: {
      type: "object",
      properties: {
        code: { type: "string", const: "quota_exceeded" },
        message: { type: "string" },
        requestId: { type: "string" },
        metric: {
          type: "string",
          enum: ["maxApps", "maxConcurrentStreams", "maxRecordingMinutesMonth", "maxEgressGbMonth", "maxStorageGb"],
          description: "The tenant limit that is used up (README, Quotas)",
        },
        limit: { type: "number", description: "The tenant's limit for the metric (its plan's, or an override)" },
        used: { type: "number", description: "How much of it is in use now (for monthly metrics, this month)" },
      },
      required: ["code", "message", "requestId", "metric", "limit", "used"],
    },
  },
  required: ["data", "error"],
};

/** The routes outside /api, for integrators: described in the document, not part of the REST API's paths. */
export const PUBLIC_ROUTES = [
  {
    route: "GET /hls/{app}/{room}/{file}",
    description:
      "Live HLS of a room: `index.m3u8` (application/vnd.apple.mpegurl, segment URLs carry the play token on) and its segments, proxied from the app's bucket. Open when the app's public playback is on; otherwise `?token=` must be a play token for the room. CORS `*`. 404 when nothing is live or the caller may not watch.",
  },
  {
    route: "GET /play/{app}/{room}",
    description: "The player page (HTML) for a room: WebRTC first, HLS as the fallback, branded per app. Needs public playback on, or `?token=`. CSP-restricted.",
  },
  { route: "GET /embed/{app}/{room}", description: "The same player for an `<iframe>` on another site (HTML, framable)." },
  {
    route: "GET /sdk/{file}",
    description:
      "The browser SDK and the player: `streamhub-adaptor.global.js` (the original SDK's drop-in, global `webrtc_adaptor`), `streamhub-adaptor.mjs`, `streamhub-adaptor.d.ts`, `player.js` (the `<streamhub-player>` element). CORS `*`, cached 5 minutes.",
  },
  { route: "GET /samples/{app}/{file}", description: "The app's sample pages (HTML, edited with /api/v1/apps/{app}/samples), under a CSP that allows the SDK only." },
  {
    route: "GET /metrics",
    description: "Prometheus metrics in the text exposition format, for the bearer `METRICS_TOKEN`; not served when METRICS_TOKEN is unset.",
  },
];

const PUBLIC_ROUTES_MARKDOWN = [
  "",
  "## Routes outside /api",
  "",
  "| route | what it serves |",
  "|---|---|",
  ...PUBLIC_ROUTES.map(({ route, description }) => `| \`${route}\` | ${description.replaceAll("|", "\\|")} |`),
  "",
  "## Errors",
  "",
  "Every operation lists, under each error status, the codes it can answer and what they mean. A code always comes with the same status; switch on `error.code`, never on the message. A quota denial (429 `quota_exceeded`) also carries `error.metric`, `error.limit` and `error.used`.",
].join("\n");

/** The document with every operation's error codes and examples filled in, and the public routes described. */
export function enrich(doc: Json): Json {
  const components = (doc.components ??= {});
  const schemas = (components.schemas ??= {}) as Record<string, Json>;
  schemas.QuotaExceeded = QUOTA_ERROR;
  doc.info = { ...doc.info, description: `${doc.info?.description ?? ""}\n${PUBLIC_ROUTES_MARKDOWN}` };
  doc["x-streamhub-public-routes"] = PUBLIC_ROUTES;

  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const responses = (operation.responses ??= {}) as Record<string, Json>;

      const byStatus = new Map<number, ErrorCode[]>();
      for (const code of codesOf(method, path, operation)) {
        const status = ERRORS[code].status;
        byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
      }
      // The common list's 413 and 415 cannot happen on a GET: no body is read.
      for (const status of [413, 415]) if (!byStatus.has(status)) delete responses[String(status)];
      for (const [status, codes] of byStatus) {
        const response = (responses[String(status)] ??= { description: "" });
        const quota = codes.includes("quota_exceeded");
        const schema = quota ? { anyOf: [{ $ref: "#/components/schemas/QuotaExceeded" }, { $ref: "#/components/schemas/Error" }] } : { $ref: "#/components/schemas/Error" };
        const list = codes.map((code) => `- \`${code}\`: ${ERRORS[code].meaning}`).join("\n");
        response.description = `${response.description ? `${response.description}\n\n` : ""}Codes:\n${list}`;
        response["x-error-codes"] = codes;
        response.content = { "application/json": { schema, examples: Object.fromEntries(codes.map((code) => [code, { value: errorExample(code) }])) } };
      }

      // Success answers and request bodies: an example wherever the route gave none.
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400) continue;
        for (const media of Object.values((response.content ?? {}) as Record<string, Json>)) {
          if (media.example === undefined && media.examples === undefined) media.example = exampleFor(media.schema, schemas, { request: false });
        }
      }
      for (const media of Object.values((operation.requestBody?.content ?? {}) as Record<string, Json>)) {
        if (media.example === undefined && media.examples === undefined) media.example = exampleFor(media.schema, schemas, { request: true });
      }
    }
  }
  return doc;
}
