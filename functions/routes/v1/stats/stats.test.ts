import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createToken, createUser, livekit, login } from "../../../testing.ts";

/** Reads the stats until `done` holds (an app reports its numbers to the Metrics actor about a second after a change). */
const STATS_WAIT_MS = 10_000;
/** For a test that waits on statsUntil: the workers project's 5 s default is less than its wait. */
const STATS_WAIT = { timeout: STATS_WAIT_MS + 10_000 };

async function statsUntil(path: string, token: string | undefined, done: (data: any) => boolean, timeoutMs = STATS_WAIT_MS): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await api("GET", path, { token });
    expect(response.status).toBe(200);
    if (done(response.body.data)) return response.body.data;
    if (Date.now() > deadline) throw new Error(`stats never matched: ${JSON.stringify(response.body.data)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function goLive(app: string, room: string, viewers: number) {
  const publisher = (await api("POST", `/api/v1/apps/${app}/tokens`, { json: { room, identity: "host" } })).body.data;
  await livekit("join", { token: publisher.token });
  await livekit("publish", { room: publisher.room, identity: "host" });
  for (let i = 0; i < viewers; i++) {
    await livekit("join", { token: (await api("POST", `/api/v1/apps/${app}/tokens`, { json: { room, identity: `fan-${i}`, canPublish: false } })).body.data.token });
  }
}

describe("GET /api/v1/stats and /api/v1/apps/{app}/stats", () => {
  it("count one app's live stream and viewers, and its tenant's apps added up", STATS_WAIT, async () => {
    const tenant = await createTenant({ maxApps: 5 });
    const [first, second] = [await createApp(tenant.id), await createApp(tenant.id)];
    await goLive(first.name, "stage", 2);
    await goLive(second.name, "side", 1);
    await api("POST", `/api/v1/apps/${first.name}/ingress`, { json: { inputType: "rtmp", room: "in" } });

    const own = await api("GET", `/api/v1/apps/${first.name}/stats`);
    expect(own.status).toBe(200);
    expect(own.body.data).toMatchObject({ scope: "app", livekitReachable: true, counts: { apps: 1, liveStreams: 1, viewers: 2, publishers: 1, ingresses: 1, recordings: 0 }, egress: { total: 0 }, storage: { vodBytes: 0 } });

    const owner = await createUser(tenant.id, "owner");
    const jwt = await login(owner.email, owner.password);
    const tenantStats = await statsUntil("/api/v1/stats", jwt, (data) => data.counts.viewers === 3 && data.counts.ingresses === 1);
    expect(tenantStats).toMatchObject({ scope: "tenant", counts: { apps: 2, liveStreams: 2, viewers: 3, publishers: 2 } });

    // A superadmin's view covers every tenant: at least these.
    const global = (await api("GET", "/api/v1/stats")).body.data;
    expect(global.scope).toBe("global");
    expect(global.counts.apps).toBeGreaterThanOrEqual(2);
    expect(global.counts.viewers).toBeGreaterThanOrEqual(3);
  });

  it("an app-scoped token sees its own app's figures only", async () => {
    const tenant = await createTenant({ maxApps: 5 });
    const [mine, sibling] = [await createApp(tenant.id), await createApp(tenant.id)];
    await goLive(sibling.name, "elsewhere", 1);
    const token = (await createToken({ name: "own", scope: "app", appId: mine.name })).token;
    const data = (await api("GET", "/api/v1/stats", { token })).body.data;
    expect(data).toMatchObject({ scope: "app", counts: { apps: 1, liveStreams: 0, viewers: 0 } });
  });
});

describe("stats: errors and who may see them", () => {
  it("an unknown app is a 404, as is another tenant's", async () => {
    expect((await api("GET", "/api/v1/apps/no-such-app/stats")).body.error.code).toBe("app_not_found");
    const other = await createApp((await createTenant()).id);
    const member = await createUser((await createTenant()).id, "owner");
    const response = await api("GET", `/api/v1/apps/${other.name}/stats`, { token: await login(member.email, member.password) });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe("app_not_found");
  });

  it("another tenant's streams and viewers never show in a member's stats", STATS_WAIT, async () => {
    const busy = await createTenant();
    await goLive((await createApp(busy.id)).name, "loud", 2);
    const quiet = await createTenant();
    await createApp(quiet.id);
    const member = await createUser(quiet.id, "viewer");
    const jwt = await login(member.email, member.password);
    // Wait for the busy app's report to have arrived, then look as the quiet tenant's member.
    await statsUntil("/api/v1/stats", undefined, (data) => data.counts.viewers >= 2);
    const data = (await api("GET", "/api/v1/stats", { token: jwt })).body.data;
    expect(data).toMatchObject({ scope: "tenant", counts: { apps: 1, liveStreams: 0, viewers: 0 } });
  });

  it("needs a credential", async () => {
    expect((await api("GET", "/api/v1/stats", { token: null })).status).toBe(401);
    expect((await api("GET", "/api/v1/apps/whatever/stats", { token: null })).status).toBe(401);
  });
});
