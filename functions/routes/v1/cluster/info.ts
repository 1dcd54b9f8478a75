import { registry } from "../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { publicBase } from "../../../lib/features.ts";
import { InfoSchema } from "./schema.ts";

const route = protectedRoute("superadmin", {
  method: "get",
  path: "/info",
  tags: ["cluster"],
  summary: "The cluster's settings and how a node joins",
  description: "Superadmins only: the answer holds the cluster token.",
  responses: { 200: { description: "Cluster settings", content: { "application/json": { schema: envelopeSchema(InfoSchema) } } }, ...commonErrorResponses },
});

export const registerClusterInfo = (app: App) =>
  app.openapi(route, async (c) => {
    const config = c.get("config");
    const token = config.STREAMHUB_CLUSTER_TOKEN ?? null;
    const shell = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
    return ok(c, {
      enabled: token !== null,
      nodesCount: await registry(c.env).countNodes(),
      clusterToken: token,
      clusterRedisUrl: config.STREAMHUB_CLUSTER_REDIS_URL ?? null,
      joinCommand:
        token === null
          ? null
          : `STREAMHUB_CLUSTER_TOKEN=${shell(token)} npm run streamhub -- agent --origin ${shell(publicBase(c))} --name "$(hostname)" --ip <this node's address> --livekit-url <wss URL of this node's LiveKit>`,
    });
  });
