import { SignJWT } from "jose";
import { AccessToken } from "livekit-server-sdk";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createUser, deliverWebhook, LIVEKIT_URL, livekit, login } from "../../../testing.ts";

const bindings = env as unknown as Record<string, string>;
const events = async (app: string) => (await env.APP.get(env.APP.idFromName(app)).events(0, 1000)).map((e) => e.type);
const usage = async (tenantId: string) => (await api("GET", `/api/v1/tenants/${tenantId}/usage`)).body.data.usage.concurrentStreams;
const stream = (app: string, room: string, identity: string) => api("GET", `/api/v1/apps/${app}/streams/${encodeURIComponent(`${room}/${identity}`)}`);

async function joinAs(app: string, json: Record<string, unknown>, token?: string) {
  const minted = (await api("POST", `/api/v1/apps/${app}/tokens`, { json, token })).body.data;
  await livekit("join", { token: minted.token });
  return minted;
}

describe("against the LiveKit stand-in: streams from LiveKit's webhooks", () => {
  it("a publisher and viewers: a fan and a public play-token viewer counted, a hidden QC not; the end releases the quota and is recorded", async () => {
    const tenant = await createTenant({ maxApps: 5, maxConcurrentStreams: 3 });
    const app = await createApp(tenant.id);
    const owner = await createUser(tenant.id, "owner");
    const jwt = await login(owner.email, owner.password);

    const publisher = await joinAs(app.name, { room: "show", identity: "host" }, jwt);
    expect(await usage(tenant.id)).toBe(1); // the token's held slot
    const published = await livekit("publish", { room: publisher.room, identity: "host", kind: "video" });
    expect(published.delivered).toEqual([200]);
    await joinAs(app.name, { room: "show", identity: "fan", canPublish: false }, jwt);
    await joinAs(app.name, { room: "show", identity: "qc", hidden: true }, jwt);
    // Hidden from the room like the QC, but a viewer (API.md decision 11); forwarded events say it is hidden.
    await livekit("join", { token: (await api("GET", `/api/v1/apps/${app.name}/play-token/show`)).body.data.token });
    const logged = await env.APP.get(env.APP.idFromName(app.name)).events(0, 1000);
    const viewerJoined = logged.map((e) => ({ type: e.type, data: JSON.parse(e.dataJson) })).find((e) => e.type === "participant_joined" && e.data.participant.identity.startsWith("viewer-"));
    expect(viewerJoined?.data.participant.hidden).toBe(true);

    const listed = await api("GET", `/api/v1/apps/${app.name}/streams`, { token: jwt });
    expect(listed.body.data).toEqual([
      expect.objectContaining({ streamId: `${publisher.room}/host`, type: "webrtc", room: publisher.room, participant: "host", status: "active", viewers: 2 }),
    ]);
    expect(await usage(tenant.id)).toBe(1);

    await livekit("leave", { room: publisher.room, identity: "host" });
    expect((await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data).toEqual([]);
    expect((await stream(app.name, publisher.room, "host")).body.data).toMatchObject({ status: "ended", endReason: "unpublished" });
    expect(await usage(tenant.id)).toBe(0);
    expect(await events(app.name)).toEqual(
      expect.arrayContaining(["room_started", "participant_joined", "track_published", "stream_started", "stream_ended", "track_unpublished", "participant_left"]),
    );
  });

  it("hides the viewer count when the viewerCounter feature is off", async () => {
    const app = await createApp();
    const publisher = await joinAs(app.name, { room: "quiet", identity: "host" });
    await livekit("publish", { room: publisher.room, identity: "host" });
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { viewerCounter: false } } });
    expect((await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data[0].viewers).toBeUndefined();
  });

  it("stops a stream: LiveKit removes the publisher, the stream ends, the quota comes back", async () => {
    const tenant = await createTenant({ maxApps: 5, maxConcurrentStreams: 1 });
    const app = await createApp(tenant.id);
    const publisher = await joinAs(app.name, { room: "stoppable", identity: "host" });
    await livekit("publish", { room: publisher.room, identity: "host" });
    expect((await api("DELETE", `/api/v1/apps/${app.name}/streams/${encodeURIComponent(`${publisher.room}/host`)}`)).status).toBe(204);

    const state = (await (await fetch(`${LIVEKIT_URL}/_test/state`, { method: "POST" })).json()) as any;
    expect(state.rooms.find((r: any) => r.room.name === publisher.room)).toBeUndefined();
    expect((await stream(app.name, publisher.room, "host")).body.data).toMatchObject({ status: "ended", endReason: "stopped" });
    expect(await usage(tenant.id)).toBe(0);
    expect((await api("DELETE", `/api/v1/apps/${app.name}/streams/${encodeURIComponent(`${publisher.room}/host`)}`)).status).toBe(404);
  });
});

describe("against the LiveKit stand-in: POST /api/v1/webhooks/livekit", () => {
  const digestOf = async (body: string) => btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)))));
  const signed = async (body: string, secret = bindings.LIVEKIT_API_SECRET!, key = bindings.LIVEKIT_API_KEY!, sha?: string) => {
    const token = new AccessToken(key, secret, { ttl: "5m" });
    token.sha256 = sha ?? (await digestOf(body));
    return token.toJwt();
  };

  it("a replayed webhook changes nothing", async () => {
    const app = await createApp();
    const publisher = await joinAs(app.name, { room: "replay", identity: "host" });
    const published = await livekit("publish", { room: publisher.room, identity: "host" });
    await livekit("leave", { room: publisher.room, identity: "host" });
    const before = await events(app.name);
    // The same signed track_published again: the stream must not come back.
    const again = await deliverWebhook(published.webhooks[0]!);
    expect(again.status).toBe(200);
    expect((await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data).toEqual([]);
    expect(await events(app.name)).toEqual(before);
  });

  it("a forged webhook is a 401 and changes nothing", async () => {
    const app = await createApp();
    const publisher = await joinAs(app.name, { room: "forged", identity: "host" });
    const published = await livekit("publish", { room: publisher.room, identity: "host" });
    await livekit("leave", { room: publisher.room, identity: "host" });
    const original = published.webhooks[0]!;
    const before = await events(app.name);
    const tampered = original.body.replace(/"id":"EV_[0-9a-f]+"/, '"id":"EV_forged"');

    const attempts = [
      { body: tampered, authorization: original.authorization }, // body changed under a valid signature
      { body: tampered, authorization: await signed(tampered, "not-the-livekit-secret-0123456789abcdef") },
      { body: tampered, authorization: await signed(tampered, bindings.LIVEKIT_API_SECRET!, "APIsomeoneelse") },
      { body: tampered, authorization: await signed(tampered, bindings.LIVEKIT_API_SECRET!, bindings.LIVEKIT_API_KEY!, "AAAA") },
      // A stale signature (LiveKit's tokens live minutes) for exactly this body.
      {
        body: tampered,
        authorization: await new SignJWT({ sha256: await digestOf(tampered) })
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer(bindings.LIVEKIT_API_KEY!)
          .setNotBefore(Math.floor(Date.now() / 1000) - 3600)
          .setExpirationTime(Math.floor(Date.now() / 1000) - 1800)
          .sign(new TextEncoder().encode(bindings.LIVEKIT_API_SECRET!)),
      },
      { body: tampered, authorization: "" },
      { body: tampered, authorization: "Bearer nonsense" },
    ];
    for (const attempt of attempts) {
      const response = await deliverWebhook(attempt);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe("unauthorized");
    }
    expect((await api("GET", `/api/v1/apps/${app.name}/streams`)).body.data).toEqual([]);
    expect(await events(app.name)).toEqual(before);
  });

  it("answers 200 to a verified event of no known app", async () => {
    const body = JSON.stringify({ event: "room_started", id: "EV_unknown_app", room: { name: "nobody-here", sid: "RM_x" }, createdAt: "1700000000" });
    const response = await deliverWebhook({ body, authorization: await signed(body) });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { received: true }, error: null });
  });

  it("routes by the room's prefix up to its dash, never to an app whose prefix merely begins the name", async () => {
    const tenant = await createTenant({ maxApps: 5 });
    const short = await createApp(tenant.id);
    // "<short>2" does not start with "<short>-": the two prefixes do not overlap.
    const longer = (await api("POST", "/api/v1/apps", { json: { name: `${short.name}2`, roomPrefix: `${short.name}2`, tenantId: tenant.id } })).body.data;
    const body = JSON.stringify({ event: "room_started", id: `EV_${Date.now()}`, room: { name: `${longer.name}-stage`, sid: "RM_y" }, createdAt: "1700000000" });
    await deliverWebhook({ body, authorization: await signed(body) });
    expect(await events(longer.name)).toEqual(["room_started"]);
    expect(await events(short.name)).toEqual([]);
  });
});
