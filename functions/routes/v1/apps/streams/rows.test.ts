import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createUser, livekit, login } from "../../../../testing.ts";

// Stream rows carry the original StreamHub's `appId` (the app's numeric id).

async function live(app: string, room: string) {
  const publisher = (await api("POST", `/api/v1/apps/${app}/tokens`, { json: { room, identity: "host" } })).body.data;
  await livekit("join", { token: publisher.token });
  await livekit("publish", { room: publisher.room, identity: "host" });
  return `${publisher.room}%2Fhost`;
}

describe("against the LiveKit stand-in: stream rows", () => {
  it("list and get carry appId, the app's numeric id", async () => {
    const app = await createApp();
    const id = await live(app.name, "show");
    const listed = await api("GET", `/api/v1/apps/${app.name}/streams`);
    expect(listed.body.data).toEqual([expect.objectContaining({ appId: app.id, streamId: `${app.name}-show/host`, status: "active", viewers: 0 })]);
    const one = await api("GET", `/api/v1/apps/${app.name}/streams/${id}`);
    expect(one.body.data).toMatchObject({ appId: app.id, participant: "host" });
  });

  it("keeps viewers out of the rows when the viewerCounter feature is off", async () => {
    const app = await createApp();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { viewerCounter: false } } });
    await live(app.name, "quiet");
    const [row] = (await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data;
    expect(row).toMatchObject({ appId: app.id });
    expect(row).not.toHaveProperty("viewers");
  });

  it("an unknown stream of a known app is still stream_not_found, and another tenant's app is app_not_found", async () => {
    const app = await createApp((await createTenant({ maxApps: 5 })).id);
    expect((await api("GET", `/api/v1/apps/${app.name}/streams/nobody%2Fhere`)).body.error.code).toBe("stream_not_found");
    const stranger = await createUser((await createTenant()).id, "owner");
    const foreign = await api("GET", `/api/v1/apps/${app.name}/streams`, { token: await login(stranger.email, stranger.password) });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe("app_not_found");
  });
});
