import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { RECONCILE_INTERVAL_MS } from "../../../../../durable/app/app-actor.ts";
import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, livekit } from "../../../../testing.ts";

const actorOf = (name: string) => env.APP.get(env.APP.idFromName(name));
const usage = async (tenantId: string) => (await api("GET", `/api/v1/tenants/${tenantId}/usage`)).body.data.usage.concurrentStreams;

describe("against the LiveKit stand-in: reconciliation with LiveKit", () => {
  it("checks LiveKit on the alarm a minute after someone joins, and heals what a lost webhook left behind", async () => {
    const app = await createApp();
    const minted = (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "watched", identity: "host" } })).body.data;
    const before = Date.now();
    await livekit("join", { token: minted.token });
    const due = await actorOf(app.name).scheduledAt("reconcile");
    expect(due).not.toBeNull();
    expect(due!).toBeGreaterThanOrEqual(before + RECONCILE_INTERVAL_MS - 1_000);

    // The publisher's track_published never arrives; when the check comes due, the alarm finds the stream.
    await livekit("faults", { drop: 1, room: minted.room });
    await livekit("publish", { room: minted.room, identity: "host" });
    expect((await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data).toEqual([]);
    await runInDurableObject(actorOf(app.name), (_instance, state) => {
      state.storage.sql.exec("UPDATE schedule SET due_at = ? WHERE task = 'reconcile'", Date.now() - 1);
    });
    await runDurableObjectAlarm(actorOf(app.name));
    expect((await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data).toEqual([expect.objectContaining({ participant: "host", status: "active" })]);
    // Still live: the next check is a minute away.
    expect(await actorOf(app.name).scheduledAt("reconcile")).toBeGreaterThan(Date.now() + RECONCILE_INTERVAL_MS - 5_000);
  });

  it("the Registry's sweep of LiveKit's room list finds a publisher none of whose webhooks arrived, and its app heals at once", async () => {
    const app = await createApp();
    const minted = (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "unheard", identity: "host" } })).body.data;
    await livekit("faults", { drop: 3, room: minted.room });
    expect((await livekit("join", { token: minted.token })).webhooks).toEqual([]);
    expect((await livekit("publish", { room: minted.room, identity: "host" })).webhooks).toEqual([]);
    // Nothing was heard, so nothing is scheduled for the app.
    expect(await actorOf(app.name).scheduledAt("reconcile")).toBeNull();

    // The tests run with the periodic sweep off (vitest.config.ts); here one comes due.
    const registry = env.REGISTRY.get(env.REGISTRY.idFromName("registry"));
    await runInDurableObject(registry, (_instance, state) => {
      state.storage.sql.exec("INSERT OR REPLACE INTO schedule (task, due_at) VALUES ('live_sweep', ?)", Date.now() - 1);
    });
    await runDurableObjectAlarm(registry);
    expect(await actorOf(app.name).scheduledAt("reconcile")).toBeLessThanOrEqual(Date.now());
    // With the interval at 0 it does not come back by itself.
    expect(await registry.scheduledAt("live_sweep")).toBeNull();

    await runDurableObjectAlarm(actorOf(app.name));
    expect((await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data).toEqual([expect.objectContaining({ participant: "host", status: "active" })]);
  });

  it("heals a lost track_published and a lost participant_left when it checks", async () => {
    const tenant = await createTenant({ maxApps: 5, maxConcurrentStreams: 5 });
    const app = await createApp(tenant.id);
    const minted = (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "lossy", identity: "host" } })).body.data;
    await livekit("join", { token: minted.token });

    // LiveKit's track_published never arrives.
    await livekit("faults", { drop: 1, room: minted.room });
    const published = await livekit("publish", { room: minted.room, identity: "host" });
    expect(published.webhooks).toEqual([]);
    expect((await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data).toEqual([]);

    expect(await actorOf(app.name).reconcile()).toBeGreaterThan(0);
    expect((await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data).toEqual([expect.objectContaining({ participant: "host", status: "active" })]);
    expect(await usage(tenant.id)).toBe(1);

    // Nor do the publisher's departure webhooks.
    await livekit("faults", { drop: 2, room: minted.room });
    await livekit("leave", { room: minted.room, identity: "host" });
    await actorOf(app.name).reconcile();
    expect((await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data).toEqual([]);
    expect(await usage(tenant.id)).toBe(0);
  });

  it("changes nothing when nothing was lost", async () => {
    const app = await createApp();
    const minted = (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "steady", identity: "host" } })).body.data;
    await livekit("join", { token: minted.token });
    await livekit("publish", { room: minted.room, identity: "host" });
    expect(await actorOf(app.name).reconcile()).toBe(0);
  });
});
