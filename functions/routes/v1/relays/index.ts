import { createRoute, z } from "@hono/zod-openapi";
import { appActor, registry } from "../../../../core/actors.ts";
import { newApp, PERMISSION_EXTENSION } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { clusterToken } from "../../../middleware/cluster-token/index.ts";

// The RTSP → RTMP relay sidecar (selfhost/relay) asks here which relays should
// run, runs them with ffmpeg, and reports how each is doing.

const RelaySchema = z
  .object({
    id: z.string().openapi({ description: "The ingress id" }),
    app: z.string(),
    room: z.string(),
    sourceUrl: z.string(),
    rtmpUrl: z.string().openapi({ description: "LiveKit's RTMP ingest for this source, with its stream key" }),
  })
  .openapi("Relay");

const RelayReport = z
  .strictObject({
    app: z.string().min(1).max(64),
    status: z.enum(["starting", "running", "backoff", "failed", "stopped"]),
    error: z.string().max(1000).nullable().default(null),
    restarts: z.number().int().min(0).max(1_000_000).default(0),
  })
  .openapi("RelayReport");

const clusterSecured = { security: [{ clusterToken: [] }], [PERMISSION_EXTENSION]: "cluster-token", middleware: [clusterToken()] };

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["relays"],
  summary: "The RTSP relays that should run (for the relay sidecar)",
  ...clusterSecured,
  responses: {
    200: { description: "Desired relays", content: { "application/json": { schema: envelopeSchema(z.array(RelaySchema)) } } },
    401: errorResponse("X-Cluster-Token missing or wrong"),
    503: errorResponse("STREAMHUB_CLUSTER_TOKEN is not set"),
  },
});

const reportRoute = createRoute({
  method: "post",
  path: "/{ingressId}/status",
  tags: ["relays"],
  summary: "Report a relay's state (shown in its ingress)",
  ...clusterSecured,
  request: {
    params: z.object({ ingressId: z.string().max(64).openapi({ param: { name: "ingressId", in: "path" } }) }),
    body: { required: true, content: { "application/json": { schema: RelayReport } } },
  },
  responses: {
    200: { description: "Recorded", content: { "application/json": { schema: envelopeSchema(z.object({ recorded: z.literal(true) })) } } },
    404: errorResponse("No such RTSP ingress in that app"),
    401: errorResponse("X-Cluster-Token missing or wrong"),
    503: errorResponse("STREAMHUB_CLUSTER_TOKEN is not set"),
    400: commonErrorResponses[400],
    413: commonErrorResponses[413],
    415: commonErrorResponses[415],
  },
});

const PAGE = 500;

/** /api/v1/relays */
export const relaysApi = newApp();

relaysApi.openAPIRegistry.registerComponent("securitySchemes", "clusterToken", { type: "apiKey", in: "header", name: "X-Cluster-Token" });

relaysApi.openapi(listRoute, async (c) => {
  // Every app's RTSP ingresses. One call per app: fine for a node's tens of apps.
  const relays = [];
  for (let offset = 0; ; offset += PAGE) {
    const { apps } = await registry(c.env).listApps({}, PAGE, offset);
    for (const record of apps) {
      for (const relay of await appActor(c.env, record.name).rtspRelays()) {
        relays.push({ id: relay.ingressId, app: record.name, room: relay.room, sourceUrl: relay.sourceUrl, rtmpUrl: relay.rtmpUrl });
      }
    }
    if (apps.length < PAGE) break;
  }
  return ok(c, relays);
});

relaysApi.openapi(reportRoute, async (c) => {
  const { ingressId } = c.req.valid("param");
  const report = c.req.valid("json");
  const record = await registry(c.env).getApp(report.app);
  if (!record || !(await appActor(c.env, record.name).reportRelay(ingressId, report))) {
    throw new ApiError("ingress_not_found", `no RTSP ingress "${ingressId}" in app "${report.app}"`);
  }
  return ok(c, { recorded: true as const });
});
