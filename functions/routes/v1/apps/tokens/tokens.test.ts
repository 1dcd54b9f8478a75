import { decodeJwt } from "jose";
import { flushTokenCounts } from "../../../../lib/token-traffic.ts";
import { describe, expect, it } from "vitest";
import { api, BOOTSTRAP_TOKEN, createApp, createTenant, createToken, createUser, LIVEKIT_URL, login, uniqueName } from "../../../../testing.ts";

const mint = (app: string, json: Record<string, unknown>, token?: string) => api("POST", `/api/v1/apps/${app}/tokens`, { json, token });

describe("join tokens", () => {
  it("carry exactly the asked grants, a namespaced room and the TTL", async () => {
    const app = await createApp();
    const response = await mint(app.name, { room: "lobby", identity: "alice", name: "Alice", ttl: "90m", canSubscribe: false });
    expect(response.status).toBe(201);
    const data = response.body.data;
    expect(data).toMatchObject({ app: app.name, room: `${app.name}-lobby`, identity: "alice", hidden: false, canPublish: true, wsUrl: LIVEKIT_URL });
    expect(data.playUrl).toMatch(new RegExp(`/play/${app.name}/${app.name}-lobby$`));

    const claims = decodeJwt(data.token) as any;
    expect(claims.sub).toBe("alice");
    expect(claims.name).toBe("Alice");
    expect(claims.exp - claims.nbf).toBe(90 * 60);
    expect(claims.video).toEqual({ roomJoin: true, room: `${app.name}-lobby`, canPublish: true, canSubscribe: false, canPublishData: true });
  });

  it("keeps an already prefixed room, uses the prefix for none, and makes up an identity", async () => {
    const app = await createApp();
    expect((await mint(app.name, { room: `${app.name}-stage` })).body.data.room).toBe(`${app.name}-stage`);
    const bare = (await mint(app.name, {})).body.data;
    expect(bare.room).toBe(app.name);
    expect(bare.identity).toMatch(/^anon-[0-9a-f-]{36}$/);
  });

  it("makes hidden, recorder and audio-only tokens that cannot do more than that", async () => {
    const app = await createApp();
    const hidden = decodeJwt((await mint(app.name, { room: "qc", hidden: true })).body.data.token) as any;
    expect(hidden.video).toMatchObject({ hidden: true, canPublish: false });
    const recorder = decodeJwt((await mint(app.name, { room: "qc", recorder: true })).body.data.token) as any;
    expect(recorder.video).toMatchObject({ hidden: true, recorder: true, canPublish: false });
    expect(recorder.video.roomRecord).toBeUndefined();
    const audio = decodeJwt((await mint(app.name, { room: "radio", audioOnly: true })).body.data.token) as any;
    expect(audio.video.canPublishSources).toEqual(["microphone"]);

    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { hiddenQc: false } } });
    const notHidden = await mint(app.name, { room: "qc", hidden: true, canPublish: false });
    expect(notHidden.body.data.hidden).toBe(false);
    expect((decodeJwt(notHidden.body.data.token) as any).video.hidden).toBeUndefined();
  });

  it("answers the original SDK's flow: POST → data.token and data.wsUrl", async () => {
    const app = await createApp();
    const response = await mint(app.name, { room: "sdk", identity: "stream1", canPublish: true, canSubscribe: true });
    const json = response.body;
    const data = json.data ?? json;
    expect(response.status >= 200 && response.status < 300).toBe(true);
    expect(typeof data.token).toBe("string");
    expect(typeof data.wsUrl).toBe("string");
  });

  it.each([
    [{ room: "has space" }],
    [{ room: "x".repeat(121) }],
    [{ identity: "bad identity" }],
    [{ ttl: "30s" }],
    [{ ttl: "2d" }],
    [{ ttl: "soon" }],
    [{ canPublish: "yes" }],
    [{ grants: { roomAdmin: true } }],
  ])("refuses %j", async (json) => {
    const app = await createApp();
    const response = await mint(app.name, json);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
  });

  it("holds a concurrent-stream slot per publisher token and refuses one too many", async () => {
    const tenant = await createTenant({ maxApps: 5, maxConcurrentStreams: 1 });
    const app = await createApp(tenant.id);
    const owner = await createUser(tenant.id, "owner");
    const jwt = await login(owner.email, owner.password);
    expect((await mint(app.name, { room: "one", identity: "first" }, jwt)).status).toBe(201);
    const refused = await mint(app.name, { room: "two", identity: "second" }, jwt);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "quota_exceeded", metric: "maxConcurrentStreams", limit: 1, used: 1 });
    const { env } = await import("cloudflare:test");
    const events = await env.APP.get(env.APP.idFromName(app.name)).events(0, 1000);
    const quota = events.find((e) => e.type === "quota.exceeded");
    expect(JSON.parse(quota!.dataJson)).toEqual({ tenantId: tenant.id, metric: "maxConcurrentStreams", limit: 1, used: 1, denied: true });
    // The first token took the last slot: one warning, not one per request.
    expect(events.filter((e) => e.type === "quota.warning").map((e) => JSON.parse(e.dataJson))).toEqual([{ tenantId: tenant.id, metric: "maxConcurrentStreams", limit: 1, used: 1 }]);
    // A subscriber takes no slot; a new token for the same publisher replaces its old slot.
    expect((await mint(app.name, { room: "one", identity: "viewer", canPublish: false }, jwt)).status).toBe(201);
    expect((await mint(app.name, { room: "one", identity: "first" }, jwt)).status).toBe(201);
  });
});

describe("join tokens are machine traffic", () => {
  it("are counted per day, not audited row by row, unless the app turns auditTokens on", async () => {
    const { env } = await import("cloudflare:test");
    const app = await createApp();
    const actor = env.APP.get(env.APP.idFromName(app.name));
    const audited = async () => (await api("GET", `/api/v1/apps/${app.name}/audit`)).body.total as number;
    const before = await audited();
    expect((await mint(app.name, { room: "counted", identity: "host" })).status).toBe(201);
    expect((await mint(app.name, { room: "counted", identity: "guest" })).status).toBe(201);
    expect((await mint(app.name, { room: "counted", canPublish: false })).status).toBe(201);
    expect(await audited()).toBe(before);
    await flushTokenCounts(env);
    const counted = await actor.tokenUsage(1);
    expect(counted.find((c) => c.metric === "publisher_tokens")?.count).toBe(2);
    expect(counted.find((c) => c.metric === "join_tokens")?.count).toBe(1);

    expect((await api("PATCH", `/api/v1/apps/${app.name}`, { json: { auditTokens: true } })).status).toBe(200);
    expect((await mint(app.name, { room: "counted", identity: "host" })).status).toBe(201);
    expect(await audited()).toBe(before + 2);
    const entries = (await api("GET", `/api/v1/apps/${app.name}/audit`)).body.data as { path: string; status: number }[];
    expect(entries[0]).toMatchObject({ path: `/api/v1/apps/${app.name}/tokens`, status: 201 });
  });
});

describe("app-scoped tokens and join tokens", () => {
  it("an app token mints for its own app only", async () => {
    const app = await createApp();
    const other = await createApp();
    const token = (await createToken({ name: "encoder", scope: "app", appId: app.name })).token;
    expect((await mint(app.name, { room: uniqueName("r") }, token)).status).toBe(201);
    expect((await mint(other.name, { room: uniqueName("r") }, token)).status).toBe(404);
  });
});

describe("CORS on the token endpoint", () => {
  it("is opt-in: only CORS_ALLOWED_ORIGINS may mint from a browser", async () => {
    const { env } = await import("cloudflare:test");
    const app = (await import("../../../../index.ts")).default;
    const record = await createApp();
    const configured = { ...env, CORS_ALLOWED_ORIGINS: "https://shop.example" };
    const preflight = (origin: string, bindings: object) =>
      app.request(`/api/v1/apps/${record.name}/tokens`, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,authorization" } }, bindings);

    const allowed = await preflight("https://shop.example", configured);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("https://shop.example");
    expect(allowed.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");
    expect((await preflight("https://evil.example", configured)).headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect((await preflight("https://shop.example", env)).headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("carries its headers on the body checks' errors too, so a browser can read them", async () => {
    const { env } = await import("cloudflare:test");
    const app = (await import("../../../../index.ts")).default;
    const record = await createApp();
    const configured = { ...env, CORS_ALLOWED_ORIGINS: "https://shop.example" };
    const headers = { Origin: "https://shop.example", "Content-Type": "text/plain", Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
    const refused = await app.request(`/api/v1/apps/${record.name}/tokens`, { method: "POST", headers, body: "not json" }, configured);
    expect(refused.status).toBe(415);
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBe("https://shop.example");
  });
});
