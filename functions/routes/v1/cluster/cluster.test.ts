import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { registry } from "../../../../core/actors.ts";
import { forgetNodes, NODE_STALE_MS } from "../../../lib/cluster-nodes.ts";
import { api, createApp, createTenant, createToken, createUser, login, uniqueName } from "../../../testing.ts";

const bindings = env as unknown as Record<string, string>;
const CLUSTER = { "X-Cluster-Token": bindings.STREAMHUB_CLUSTER_TOKEN! };

const join = (json: unknown, headers: Record<string, string> = CLUSTER) => api("POST", "/api/v1/cluster/join", { token: null, headers, json });
const beat = (json: unknown, headers: Record<string, string> = CLUSTER) => api("POST", "/api/v1/cluster/heartbeat", { token: null, headers, json });
const nodes = async () => (await api("GET", "/api/v1/cluster/nodes")).body.data as any[];

/** Every test starts from an empty registry of nodes: the token tests count on which nodes exist. */
async function clearNodes() {
  for (const node of await nodes()) await api("DELETE", `/api/v1/cluster/nodes/${node.id}`);
  forgetNodes();
}

describe("cluster registry: happy paths", () => {
  it("a node joins (201), joins again by name (200, same id), beats with its stats, and is listed", async () => {
    await clearNodes();
    const name = uniqueName("lk");
    const first = await join({ name, ip: "10.0.0.12", region: "eu-west", url: "wss://lk2.example.com" });
    expect(first.status).toBe(201);
    expect(first.body.data).toEqual({
      nodeId: expect.stringMatching(/^node_/),
      name,
      status: "active",
      redisUrl: null,
      publicWsUrl: null,
      livekit: { apiKey: bindings.LIVEKIT_API_KEY, apiSecret: bindings.LIVEKIT_API_SECRET, wsUrl: bindings.LIVEKIT_URL },
    });
    const again = await join({ name, ip: "10.0.0.13" });
    expect(again.status).toBe(200);
    expect(again.body.data.nodeId).toBe(first.body.data.nodeId);

    const heartbeat = await beat({ nodeId: first.body.data.nodeId, stats: { rooms: 3, participants: 17, cpu: 0.42 } });
    expect(heartbeat.status).toBe(200);
    expect(heartbeat.body).toEqual({ data: { ok: true, status: "active" }, error: null });

    const listed = (await nodes()).find((node) => node.name === name);
    expect(listed).toEqual({
      id: first.body.data.nodeId,
      name,
      ip: "10.0.0.13",
      url: "wss://lk2.example.com",
      region: "eu-west",
      status: "active",
      created_at: expect.any(String),
      last_seen_at: expect.any(String),
      stats: { rooms: 3, participants: 17, cpu: 0.42 },
      stale: false,
    });
    // A join is audited; heartbeats, every minute per node, are not.
    const audit = (await api("GET", "/api/v1/audit?limit=50")).body.data as { path: string }[];
    expect(audit.some((entry) => entry.path === "/api/v1/cluster/join")).toBe(true);
    expect(audit.some((entry) => entry.path === "/api/v1/cluster/heartbeat")).toBe(false);
    const info = (await api("GET", "/api/v1/cluster/info")).body.data;
    expect(info).toMatchObject({ enabled: true, nodesCount: 1, clusterToken: bindings.STREAMHUB_CLUSTER_TOKEN, clusterRedisUrl: null });
    expect(info.joinCommand).toContain("npm run streamhub -- agent");
  });

  it("draining and disabled are the operator's: join and heartbeat do not undo them, and the heartbeat says so", async () => {
    await clearNodes();
    const { nodeId } = (await join({ name: uniqueName("lk"), ip: "10.0.0.20", url: "wss://a.example.com" })).body.data;
    const drained = await api("PATCH", `/api/v1/cluster/nodes/${nodeId}`, { json: { status: "draining", region: "us-east" } });
    expect(drained.status).toBe(200);
    expect(drained.body.data).toMatchObject({ status: "draining", region: "us-east" });
    expect((await beat({ nodeId })).body.data).toEqual({ ok: true, status: "draining" });
    expect((await join({ name: drained.body.data.name, ip: "10.0.0.20" })).body.data.status).toBe("draining");

    await api("PATCH", `/api/v1/cluster/nodes/${nodeId}`, { json: { status: "disabled" } });
    expect((await beat({ nodeId })).body.data.status).toBe("disabled");
    await api("PATCH", `/api/v1/cluster/nodes/${nodeId}`, { json: { status: "active" } });
    expect((await beat({ nodeId })).body.data.status).toBe("active");

    const deleted = await api("DELETE", `/api/v1/cluster/nodes/${nodeId}`);
    expect(deleted.body).toEqual({ data: { id: nodeId, deleted: true }, error: null });
    expect((await beat({ nodeId })).status).toBe(404);
  });

  it("join tokens and play tokens send clients to an active node, never to a draining, disabled or stale one", async () => {
    await clearNodes();
    const app = await createApp();
    const wsUrlFor = async (room: string) => (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room, canPublish: false } })).body.data.wsUrl;
    // No nodes: the node's own LiveKit, as without a cluster.
    expect(await wsUrlFor("main")).toBe(bindings.LIVEKIT_URL);

    const a = (await join({ name: uniqueName("lk-a"), ip: "10.0.0.1", url: "wss://a.example.com" })).body.data.nodeId;
    const b = (await join({ name: uniqueName("lk-b"), ip: "10.0.0.2", url: "wss://b.example.com" })).body.data.nodeId;
    forgetNodes();
    const rooms = Array.from({ length: 24 }, (_, i) => `room-${i}`);
    const placed = new Map<string, string>();
    for (const room of rooms) placed.set(room, await wsUrlFor(room));
    // Both nodes take rooms, and a room always goes to the same one.
    expect(new Set(placed.values())).toEqual(new Set(["wss://a.example.com", "wss://b.example.com"]));
    expect(await wsUrlFor("room-0")).toBe(placed.get("room-0"));
    const play = await api("GET", `/api/v1/apps/${app.name}/play-token/room-0`, { token: null });
    expect(play.body.data.wsUrl).toBe(placed.get("room-0"));

    await api("PATCH", `/api/v1/cluster/nodes/${a}`, { json: { status: "draining" } });
    for (const room of rooms) expect(await wsUrlFor(room)).toBe("wss://b.example.com");
    // Only a's rooms moved.
    for (const room of rooms.filter((room) => placed.get(room) === "wss://b.example.com")) expect(await wsUrlFor(room)).toBe("wss://b.example.com");

    await api("PATCH", `/api/v1/cluster/nodes/${b}`, { json: { status: "disabled" } });
    expect(await wsUrlFor("room-1")).toBe(bindings.LIVEKIT_URL);

    // A node that stopped beating 90 s ago takes nothing either.
    await api("PATCH", `/api/v1/cluster/nodes/${a}`, { json: { status: "active" } });
    forgetNodes();
    expect(await wsUrlFor("room-1")).toBe("wss://a.example.com");
    await registry(env).heartbeatNode(a, null);
    await staleNode(a);
    forgetNodes();
    expect(await wsUrlFor("room-1")).toBe(bindings.LIVEKIT_URL);
    expect((await nodes()).find((node) => node.id === a)!.stale).toBe(true);
  });
});

/** Makes a node's last heartbeat older than the stale bound, directly in the Registry's database. */
async function staleNode(id: string) {
  const { runInDurableObject } = await import("cloudflare:test");
  const stub = env.REGISTRY.get(env.REGISTRY.idFromName("registry"));
  await runInDurableObject(stub, (_instance, state) => {
    state.storage.sql.exec("UPDATE nodes SET last_seen_at = ? WHERE id = ?", new Date(Date.now() - NODE_STALE_MS - 1000).toISOString(), id);
  });
}

describe("cluster registry: errors", () => {
  it("refuses bad joins with 400 and the field named", async () => {
    for (const body of [
      { name: "has space", ip: "10.0.0.1" },
      { name: "x".repeat(65), ip: "10.0.0.1" },
      { name: "ok", ip: "not-an-ip" },
      { name: "ok", ip: "10.0.0.1", url: "ftp://x" },
      { name: "ok", ip: "10.0.0.1", extra: 1 },
      { ip: "10.0.0.1" },
    ]) {
      const answer = await join(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe("validation_failed");
    }
    expect((await api("POST", "/api/v1/cluster/join", { token: null, headers: { ...CLUSTER, "Content-Type": "application/json" }, body: "{" })).body.error.code).toBe("malformed_json");
  });

  it("a heartbeat of an unknown node is 404; stats over 4096 bytes are 413 and not stored", async () => {
    expect((await beat({ nodeId: "node_missing" })).body.error.code).toBe("node_not_found");
    const { nodeId } = (await join({ name: uniqueName("lk"), ip: "::1" })).body.data;
    const big = await beat({ nodeId, stats: { blob: "x".repeat(4096) } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("node_stats_too_large");
    expect((await nodes()).find((node) => node.id === nodeId)!.stats).toEqual({});
    expect((await beat({ nodeId, stats: { blob: "x".repeat(4000) } })).status).toBe(200);
  });

  it("PATCH validates, 404s an unknown node and 409s a taken name", async () => {
    const a = (await join({ name: uniqueName("lk"), ip: "10.0.0.1" })).body.data;
    const b = (await join({ name: uniqueName("lk"), ip: "10.0.0.2" })).body.data;
    expect((await api("PATCH", `/api/v1/cluster/nodes/${a.nodeId}`, { json: { status: "unknown" } })).status).toBe(400);
    expect((await api("PATCH", `/api/v1/cluster/nodes/${a.nodeId}`, { json: { name: "bad name" } })).status).toBe(400);
    expect((await api("PATCH", "/api/v1/cluster/nodes/node_missing", { json: { status: "draining" } })).body.error.code).toBe("node_not_found");
    const clash = await api("PATCH", `/api/v1/cluster/nodes/${a.nodeId}`, { json: { name: b.name } });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe("node_name_taken");
    expect((await api("DELETE", "/api/v1/cluster/nodes/node_missing")).status).toBe(404);
  });
});

describe("cluster registry: security", () => {
  it("agents' routes need the exact cluster token; an API credential is not one", async () => {
    const body = { name: uniqueName("lk"), ip: "10.0.0.1" };
    expect((await join(body, {})).status).toBe(401);
    expect((await join(body, { "X-Cluster-Token": `${CLUSTER["X-Cluster-Token"]}x` })).status).toBe(401);
    expect((await join(body, { "X-Cluster-Token": CLUSTER["X-Cluster-Token"].slice(0, -1) })).status).toBe(401);
    expect((await api("POST", "/api/v1/cluster/join", { json: body })).status).toBe(401);
    expect((await beat({ nodeId: "node_missing" }, { "X-Cluster-Token": "wrong-token-0123456789" })).status).toBe(401);
    expect((await nodes()).some((node) => node.name === body.name)).toBe(false);
  });

  it("the registry, its token included, is for superadmins only", async () => {
    const tenant = await createTenant();
    const owner = await createUser(tenant.id, "owner");
    const ownerJwt = await login(owner.email, owner.password);
    const app = await createApp(tenant.id);
    const appToken = (await createToken({ name: "app", scope: "app", appId: app.name })).token;
    for (const token of [ownerJwt, appToken]) {
      const info = await api("GET", "/api/v1/cluster/info", { token });
      expect(info.status).toBe(403);
      expect(JSON.stringify(info.body)).not.toContain(CLUSTER["X-Cluster-Token"]);
      expect((await api("GET", "/api/v1/cluster/nodes", { token })).status).toBe(403);
    }
  });
});
