import { z } from "@hono/zod-openapi";
import { isIpAddress } from "../../../../core/net.ts";

/** A heartbeat's stats, serialized, may be at most this large (API.md §1.1: 413 beyond). */
export const MAX_STATS_BYTES = 4096;

const NodeStatus = z.enum(["unknown", "active", "draining", "disabled"]);

const NodeName = z.string().regex(/^[\w.-]{1,64}$/, "1–64 letters, digits, '_', '.' or '-'");
const LiveKitUrl = z
  .url({ protocol: /^(wss?|https?)$/, error: "must be a ws, wss, http or https URL" })
  .max(512)
  .openapi({ description: "The node's LiveKit as clients reach it (handed out in join tokens while the node is active)", example: "wss://lk2.example.com" });

export const JoinBody = z
  .strictObject({
    name: NodeName.openapi({ example: "lk-2" }),
    ip: z.string().refine(isIpAddress, "must be an IPv4 or IPv6 address").openapi({ example: "10.0.0.12" }),
    region: z.string().trim().min(1).max(64).optional().openapi({ example: "eu-west" }),
    url: LiveKitUrl.optional(),
  })
  .openapi("ClusterJoin");

export const JoinedSchema = z
  .object({
    nodeId: z.string(),
    name: z.string(),
    status: NodeStatus,
    redisUrl: z.string().nullable().openapi({ description: "STREAMHUB_CLUSTER_REDIS_URL: the Redis every LiveKit node of the cluster shares" }),
    publicWsUrl: z.string().nullable().openapi({ description: "PUBLIC_WS_URL of the origin" }),
    livekit: z
      .object({ apiKey: z.string(), apiSecret: z.string(), wsUrl: z.string() })
      .nullable()
      .openapi({ description: "The key pair every LiveKit node of the cluster must accept (null: LiveKit is not configured on the origin)" }),
  })
  .openapi("ClusterJoined");

export const HeartbeatBody = z
  .strictObject({
    nodeId: z.string().min(1).max(64),
    stats: z.record(z.string(), z.unknown()).optional().openapi({ description: `The node's own numbers (rooms, participants, load…), at most ${MAX_STATS_BYTES} bytes as JSON` }),
  })
  .openapi("ClusterHeartbeat");

export const HeartbeatSchema = z
  .object({
    ok: z.literal(true),
    status: NodeStatus.openapi({ description: "What the registry says of this node: a `draining` node gets no new rooms from StreamHub" }),
  })
  .openapi("ClusterHeartbeatAnswer");

export const NodeSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    ip: z.string(),
    url: z.string().nullable(),
    region: z.string().nullable(),
    status: NodeStatus,
    created_at: z.string(),
    last_seen_at: z.string().nullable(),
    stats: z.record(z.string(), z.unknown()),
    stale: z.boolean().openapi({ description: "No heartbeat for 90 seconds" }),
  })
  .openapi("ClusterNode");

export const InfoSchema = z
  .object({
    enabled: z.boolean().openapi({ description: "STREAMHUB_CLUSTER_TOKEN is set" }),
    nodesCount: z.number().int(),
    clusterToken: z.string().nullable(),
    clusterRedisUrl: z.string().nullable(),
    joinCommand: z.string().nullable().openapi({ description: "What to run on a new node (selfhost/agent.ts)" }),
  })
  .openapi("ClusterInfo");

export const NodeParams = z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" }, example: "node_3kT9…" }) });

export const UpdateNodeBody = z
  .strictObject({
    name: NodeName.optional(),
    region: z.string().trim().min(1).max(64).nullable().optional(),
    status: z.enum(["active", "draining", "disabled"]).optional().openapi({ description: "`draining`: no new rooms from StreamHub; `disabled`: none at all, and join/heartbeat do not reactivate it" }),
  })
  .openapi("ClusterNodeChanges");
