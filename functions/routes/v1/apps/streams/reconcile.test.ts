import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, livekit } from "../../../../testing.ts";

const actorOf = (name: string) => env.APP.get(env.APP.idFromName(name));
const usage = async (tenantId: string) => (await api("GET", `/api/v1/tenants/${tenantId}/usage`)).body.data.usage.concurrentStreams;

describe("reconciliation with LiveKit", () => {
  it("heals a lost track_published and a lost participant_left on the alarm", async () => {
    const tenant = await createTenant({ maxApps: 5, maxConcurrentStreams: 5 });
    const app = await createApp(tenant.id);
    const minted = (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "lossy", identity: "host" } })).body.data;
    await livekit("join", { token: minted.token });

    // LiveKit's track_published never arrives.
    await livekit("faults", { drop: 1, room: minted.room });
    const published = await livekit("publish", { room: minted.room, identity: "host" });
    expect(published.webhooks).toEqual([]);
    expect((await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data).toEqual([]);

    expect(await runDurableObjectAlarm(actorOf(app.name))).toBe(true);
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
