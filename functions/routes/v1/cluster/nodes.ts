import { registry } from "../../../../core/actors.ts";
import type { ClusterNode } from "../../../../durable/registry/nodes.repo.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { forgetNodes, isStale } from "../../../lib/cluster-nodes.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { z } from "@hono/zod-openapi";
import { NodeParams, NodeSchema, UpdateNodeBody } from "./schema.ts";

/** The node as API.md §1.1 shows it (snake_case timestamps, as the original's). */
const view = (node: ClusterNode) => ({
  id: node.id,
  name: node.name,
  ip: node.ip,
  url: node.url,
  region: node.region,
  status: node.status,
  created_at: node.createdAt,
  last_seen_at: node.lastSeenAt,
  stats: JSON.parse(node.statsJson) as Record<string, unknown>,
  stale: isStale(node),
});

const listRoute = protectedRoute("superadmin", {
  method: "get",
  path: "/nodes",
  tags: ["cluster"],
  summary: "List the cluster's nodes",
  responses: { 200: { description: "Every node, oldest first", content: { "application/json": { schema: envelopeSchema(z.array(NodeSchema)) } } }, ...commonErrorResponses },
});

const updateRoute = protectedRoute("superadmin", {
  method: "patch",
  path: "/nodes/{id}",
  tags: ["cluster"],
  summary: "Rename a node, set its region, or drain / disable / reactivate it",
  request: { params: NodeParams, body: { required: true, content: { "application/json": { schema: UpdateNodeBody } } } },
  responses: {
    200: { description: "The node", content: { "application/json": { schema: envelopeSchema(NodeSchema) } } },
    404: errorResponse("No such node (node_not_found)"),
    409: errorResponse("Another node has that name (node_name_taken)"),
    ...commonErrorResponses,
  },
});

const deleteRoute = protectedRoute("superadmin", {
  method: "delete",
  path: "/nodes/{id}",
  tags: ["cluster"],
  summary: "Forget a node (its agent must join again)",
  request: { params: NodeParams },
  responses: {
    200: { description: "Deleted", content: { "application/json": { schema: envelopeSchema(z.object({ id: z.string(), deleted: z.literal(true) })) } } },
    404: errorResponse("No such node (node_not_found)"),
    ...commonErrorResponses,
  },
});

const nodeNotFound = (id: string) => new ApiError("node_not_found", `node "${id}" not found`);

export const registerClusterNodes = (app: App) => {
  app.openapi(listRoute, async (c) => ok(c, (await registry(c.env).listNodes()).map(view)));

  app.openapi(updateRoute, async (c) => {
    const { id } = c.req.valid("param");
    const result = await registry(c.env).updateNode(id, c.req.valid("json"));
    if (!result.ok) throw result.code === "node_not_found" ? nodeNotFound(id) : new ApiError("node_name_taken", "another node has that name");
    forgetNodes();
    return ok(c, view(result.value));
  });

  app.openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await registry(c.env).deleteNode(id))) throw nodeNotFound(id);
    forgetNodes();
    return ok(c, { id, deleted: true as const });
  });
};
