import { registry } from "../../../../core/actors.ts";
import { agentRoute, type App } from "../../../lib/app.ts";
import { forgetNodes } from "../../../lib/cluster-nodes.ts";
import { envelopeSchema } from "../../../lib/schemas.ts";
import { created, ok } from "../../../lib/envelope.ts";
import { JoinBody, JoinedSchema } from "./schema.ts";

const route = agentRoute({
  method: "post",
  path: "/join",
  tags: ["cluster"],
  summary: "A node agent joins the cluster",
  description:
    "Upsert by name: 201 for a new node, 200 for one that joined before. The node becomes `active` unless an operator set it `draining` or `disabled`. The answer carries what the node's LiveKit needs to join LiveKit's distributed mode: the shared Redis and the key pair.",
  request: { body: { required: true, content: { "application/json": { schema: JoinBody } } } },
  responses: {
    201: { description: "Joined as a new node", content: { "application/json": { schema: envelopeSchema(JoinedSchema) } } },
    200: { description: "Joined again (same name)", content: { "application/json": { schema: envelopeSchema(JoinedSchema) } } },
  },
});

export const registerClusterJoin = (app: App) =>
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const config = c.get("config");
    const { node, created: isNew } = await registry(c.env).joinNode({ name: body.name, ip: body.ip, region: body.region ?? null, url: body.url ?? null });
    forgetNodes();
    const livekit =
      config.LIVEKIT_API_KEY && config.LIVEKIT_API_SECRET ? { apiKey: config.LIVEKIT_API_KEY, apiSecret: config.LIVEKIT_API_SECRET, wsUrl: config.LIVEKIT_URL } : null;
    const answer = {
      nodeId: node.id,
      name: node.name,
      status: node.status,
      redisUrl: config.STREAMHUB_CLUSTER_REDIS_URL ?? null,
      publicWsUrl: config.PUBLIC_WS_URL ?? null,
      livekit,
    };
    return isNew ? created(c, answer) : ok(c, answer);
  });
