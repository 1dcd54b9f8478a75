import { z } from "@hono/zod-openapi";
import { appActor, registry } from "../../../../core/actors.ts";
import { agentRoute, newApp } from "../../../lib/app.ts";
import { envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { RelayReport, RelaySchema } from "./schema.ts";

// The RTSP → RTMP relay sidecar (selfhost/relay) asks here which relays should
// run, runs them with ffmpeg, and reports how each is doing.

const listRoute = agentRoute({
  method: "get",
  path: "/",
  tags: ["relays"],
  summary: "The RTSP relays that should run (for the relay sidecar)",
  responses: {
    200: { description: "Desired relays", content: { "application/json": { schema: envelopeSchema(z.array(RelaySchema)) } } },
  },
});

const reportRoute = agentRoute({
  method: "post",
  path: "/{ingressId}/status",
  tags: ["relays"],
  summary: "Report a relay's state (shown in its ingress)",
  request: {
    params: z.object({ ingressId: z.string().max(64).openapi({ param: { name: "ingressId", in: "path" } }) }),
    body: { required: true, content: { "application/json": { schema: RelayReport } } },
  },
  responses: {
    200: { description: "Recorded", content: { "application/json": { schema: envelopeSchema(z.object({ recorded: z.literal(true) })) } } },
    404: errorResponse("No such RTSP ingress in that app"),
  },
});

const PAGE = 500;

/** /api/v1/relays */
export const relaysApi = newApp();

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
