import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BOOTSTRAP_TOKEN, api, createApp, createTenant, createUser, livekit, login } from "../../../testing.ts";

/** Opens the app's live feed; `next()` answers the next `streams` snapshot. */
async function openFeed(app: string, token: string | null = BOOTSTRAP_TOKEN) {
  const controller = new AbortController();
  const response = await SELF.fetch(`http://streamhub.test/api/v1/apps/${app}/live/feed`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    signal: controller.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const next = async (): Promise<any[]> => {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^event: streams\ndata: (.*)$/m.exec(message);
        if (data) return JSON.parse(data[1]!);
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("the feed ended");
      buffer += value;
    }
  };
  const close = async () => {
    await reader.cancel().catch(() => {});
    controller.abort();
  };
  return { response, next, close };
}

describe("GET /api/v1/apps/{app}/live/feed", () => {
  it("opens with the active streams and pushes a new snapshot as streams start, viewers join and streams end", async () => {
    const app = await createApp();
    const feed = await openFeed(app.name);
    expect(feed.response.status).toBe(200);
    expect(feed.response.headers.get("Content-Type")).toBe("text/event-stream; charset=utf-8");
    expect(feed.response.headers.get("Cache-Control")).toBe("no-store");
    expect(await feed.next()).toEqual([]);

    const publisher = (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "stage", identity: "host" } })).body.data;
    await livekit("join", { token: publisher.token });
    await livekit("publish", { room: publisher.room, identity: "host" });
    let streams = await feed.next();
    while (streams.length === 0) streams = await feed.next();
    expect(streams).toMatchObject([{ room: publisher.room, participant: "host", status: "active", viewers: 0 }]);

    const play = (await api("GET", `/api/v1/apps/${app.name}/play-token/stage`, { token: null })).body.data;
    await livekit("join", { token: play.token });
    while (streams[0]?.viewers !== 1) streams = await feed.next();

    expect((await api("DELETE", `/api/v1/apps/${app.name}/streams/${encodeURIComponent(streams[0].id)}`)).status).toBe(204);
    while (streams.length !== 0) streams = await feed.next();
    await feed.close();
  });

  it("leaves the viewer count out when the app's viewerCounter feature is off", async () => {
    const app = await createApp();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { viewerCounter: false } } });
    const publisher = (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "quiet", identity: "host" } })).body.data;
    await livekit("join", { token: publisher.token });
    await livekit("publish", { room: publisher.room, identity: "host" });
    const feed = await openFeed(app.name);
    const [stream] = await feed.next();
    expect(stream).toMatchObject({ participant: "host" });
    expect(stream).not.toHaveProperty("viewers");
    await feed.close();
  });
});

describe("GET /api/v1/apps/{app}/live/feed: errors", () => {
  it("is a 404 in the error envelope for an unknown app", async () => {
    const response = await api("GET", "/api/v1/apps/no-such-app/live/feed");
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe("app_not_found");
  });

  it("is a 400 for a query parameter it does not take", async () => {
    const app = await createApp();
    const response = await api("GET", `/api/v1/apps/${app.name}/live/feed?since=1`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
  });

  it("is a 401 without a credential", async () => {
    const app = await createApp();
    expect((await api("GET", `/api/v1/apps/${app.name}/live/feed`, { token: null })).status).toBe(401);
  });
});

describe("GET /api/v1/apps/{app}/live/feed: who may watch", () => {
  it("a viewer of the app's tenant may; another tenant's owner gets the 404 of a missing app", async () => {
    const tenant = await createTenant();
    const app = await createApp(tenant.id);
    const viewer = await createUser(tenant.id, "viewer");
    const feed = await openFeed(app.name, await login(viewer.email, viewer.password));
    expect(feed.response.status).toBe(200);
    expect(await feed.next()).toEqual([]);
    await feed.close();

    const stranger = await createUser((await createTenant()).id, "owner");
    const response = await api("GET", `/api/v1/apps/${app.name}/live/feed`, { token: await login(stranger.email, stranger.password) });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe("app_not_found");
  });
});
