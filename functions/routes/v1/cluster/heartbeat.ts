import { registry } from "../../../../core/actors.ts";
import { utf8 } from "../../../../core/crypto/encoding.ts";
import { agentRoute, type App } from "../../../lib/app.ts";
import { envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { HeartbeatBody, HeartbeatSchema, MAX_STATS_BYTES } from "./schema.ts";

const route = agentRoute({
  method: "post",
  path: "/heartbeat",
  tags: ["cluster"],
  summary: "A node agent's heartbeat (every 60 s)",
  description: `Records that the node is alive and its stats (at most ${MAX_STATS_BYTES} bytes of JSON). The answer says the node's status as the registry sees it, so an agent learns that it is draining.`,
  request: { body: { required: true, content: { "application/json": { schema: HeartbeatBody } } } },
  responses: {
    200: { description: "Recorded", content: { "application/json": { schema: envelopeSchema(HeartbeatSchema) } } },
    404: errorResponse("No such node: join first (node_not_found)"),
    413: errorResponse(`The stats are over ${MAX_STATS_BYTES} bytes (node_stats_too_large), or the body over the size limit`),
  },
});

export const registerClusterHeartbeat = (app: App) =>
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const statsJson = body.stats === undefined ? null : JSON.stringify(body.stats);
    if (statsJson !== null && utf8(statsJson).byteLength > MAX_STATS_BYTES) {
      throw new ApiError("node_stats_too_large", `stats are over ${MAX_STATS_BYTES} bytes as JSON`);
    }
    const node = await registry(c.env).heartbeatNode(body.nodeId, statsJson);
    if (!node) throw new ApiError("node_not_found", `node "${body.nodeId}" is not registered; join again`);
    return ok(c, { ok: true as const, status: node.status });
  });
