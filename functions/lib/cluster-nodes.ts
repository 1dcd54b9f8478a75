import type { Context } from "hono";
import { registry } from "../../core/actors.ts";
import type { ClusterNode } from "../../durable/registry/nodes.repo.ts";
import type { AppEnv } from "./context.ts";

/** API.md §1.1: agents beat every 60 s; a node silent for 90 s is stale. */
export const NODE_STALE_MS = 90_000;

/** How long this isolate keeps the list of nodes that take new rooms (as app records: functions/lib/app-records.ts). */
export const NODE_CACHE_MS = 5_000;

export const isStale = (node: Pick<ClusterNode, "lastSeenAt">, now = Date.now()): boolean =>
  node.lastSeenAt === null || Date.parse(node.lastSeenAt) < now - NODE_STALE_MS;

/** A node takes new rooms when it is active, beats, and says where clients reach it. */
export const takesNewRooms = (node: ClusterNode, now = Date.now()): boolean => node.status === "active" && node.url !== null && !isStale(node, now);

let cached: { urls: string[]; until: number } | null = null;

/** A change made through this isolate (join, PATCH, DELETE) is seen at once. */
export function forgetNodes(): void {
  cached = null;
}

/** FNV-1a: a cheap, stable hash for rendezvous placement. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * Where a client connects for `room`: with cluster nodes registered, one of
 * the nodes that take new rooms, chosen by rendezvous hashing on the room, so
 * that everyone in a room is sent to the same node and a node that leaves
 * (draining, disabled, stale, deleted) moves only its own rooms. LiveKit's
 * distributed mode (one Redis) routes a participant to the room wherever it
 * is hosted, so a room already live on a draining node stays joinable. With
 * no cluster (no STREAMHUB_CLUSTER_TOKEN, or no node taking rooms):
 * `fallback` (PUBLIC_WS_URL, or LIVEKIT_URL). One Registry read per
 * NODE_CACHE_MS per isolate, none at all without a cluster.
 */
export async function clientWsUrl(c: Context<AppEnv>, room: string, fallback: string): Promise<string> {
  if (!c.get("config").STREAMHUB_CLUSTER_TOKEN) return fallback;
  const now = Date.now();
  if (!cached || cached.until <= now) {
    const nodes = await registry(c.env).listNodes();
    cached = { urls: nodes.filter((node) => takesNewRooms(node, now)).map((node) => node.url!), until: now + NODE_CACHE_MS };
  }
  let best: string | null = null;
  let bestScore = -1;
  for (const url of cached.urls) {
    const score = fnv1a(`${room}\n${url}`);
    if (score > bestScore) [best, bestScore] = [url, score];
  }
  return best ?? fallback;
}
