import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import app from "../../../index.ts";
import { api, BOOTSTRAP_TOKEN, createApp, createTenant, createUser, DEFAULT_PEER, login, uniqueName } from "../../../testing.ts";

describe("tenants", () => {
  it("creates a tenant on a plan, with overrides, and changes them", async () => {
    const id = uniqueName("t");
    const created = await api("POST", "/api/v1/tenants", { json: { id, name: "Acme", plan: "pro", quotas: { maxApps: 3 } } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ id, name: "Acme", plan: "pro", quotaOverrides: { maxApps: 3 }, quotas: { maxApps: 3, maxConcurrentStreams: 20 } });

    const changed = await api("PATCH", `/api/v1/tenants/${id}`, { json: { plan: "free", quotas: { maxApps: null, maxStorageGb: -1 } } });
    expect(changed.body.data).toMatchObject({ plan: "free", quotaOverrides: { maxStorageGb: -1 }, quotas: { maxApps: 2, maxStorageGb: -1 } });
    expect((await api("POST", "/api/v1/tenants", { json: { id, name: "again" } })).status).toBe(409);
  });

  it.each([
    [{ name: "" }],
    [{ name: "x", plan: "gold" }],
    [{ name: "x", id: "Bad Id" }],
    [{ name: "x", id: "platform" }],
    [{ name: "x", quotas: { maxApps: -2 } }],
    [{ name: "x", quotas: { maxWidgets: 1 } }],
  ])("refuses %j", async (json) => {
    expect((await api("POST", "/api/v1/tenants", { json })).status).toBe(400);
  });

  it("manages members: invite, change role, remove, never the last owner", async () => {
    const tenant = await createTenant();
    const owner = await createUser(tenant.id, "owner");
    const jwt = await login(owner.email, owner.password);

    const email = `${uniqueName("invitee")}@example.test`;
    const invited = await api("POST", `/api/v1/tenants/${tenant.id}/members`, { token: jwt, json: { email: email.toUpperCase() } });
    expect(invited.status).toBe(201);
    expect(invited.body.data).toMatchObject({ email, status: "pending", tenantId: tenant.id, role: "viewer" });

    const promoted = await api("PATCH", `/api/v1/tenants/${tenant.id}/members/${invited.body.data.id}`, { token: jwt, json: { role: "editor" } });
    expect(promoted.body.data.role).toBe("editor");
    const members = await api("GET", `/api/v1/tenants/${tenant.id}/members`, { token: jwt });
    expect(members.body.data.map((m: any) => m.email).sort()).toEqual([email, owner.email].sort());

    expect((await api("PATCH", `/api/v1/tenants/${tenant.id}/members/${owner.id}`, { token: jwt, json: { role: "viewer" } })).body.error.code).toBe("last_owner");
    expect((await api("DELETE", `/api/v1/tenants/${tenant.id}/members/${owner.id}`, { token: jwt })).status).toBe(409);
    expect((await api("DELETE", `/api/v1/tenants/${tenant.id}/members/${invited.body.data.id}`, { token: jwt })).status).toBe(200);
    expect((await api("DELETE", `/api/v1/tenants/${tenant.id}/members/${invited.body.data.id}`, { token: jwt })).status).toBe(404);
  });

  it("takes a removed member's access away at once", async () => {
    const tenant = await createTenant();
    const member = await createUser(tenant.id, "viewer");
    const jwt = await login(member.email, member.password);
    const owned = await createApp(tenant.id);
    expect((await api("GET", `/api/v1/apps/${owned.name}`, { token: jwt })).status).toBe(200);
    await api("DELETE", `/api/v1/tenants/${tenant.id}/members/${member.id}`);
    expect((await api("GET", `/api/v1/apps/${owned.name}`, { token: jwt })).status).toBe(401);
  });

  it("shows my team with members and usage", async () => {
    const tenant = await createTenant();
    const owner = await createUser(tenant.id, "owner");
    const jwt = await login(owner.email, owner.password);
    await createApp(tenant.id);
    const mine = await api("GET", "/api/v1/teams/mine", { token: jwt });
    expect(mine.status).toBe(200);
    expect(mine.body.data.team.id).toBe(tenant.id);
    expect(mine.body.data.members.map((m: any) => m.id)).toEqual([owner.id]);
    expect(mine.body.data.usage.usage.apps).toBe(1);
    const invited = await api("POST", "/api/v1/teams/mine/members", { token: jwt, json: { email: `${uniqueName("x")}@example.test`, role: "editor" } });
    expect(invited.body.data).toMatchObject({ tenantId: tenant.id, role: "editor" });
  });
});

describe("quotas", () => {
  it("reports limits, usage and what is exceeded", async () => {
    const tenant = await createTenant({ maxApps: 1 });
    await createApp(tenant.id);
    const report = await api("GET", `/api/v1/tenants/${tenant.id}/usage`);
    expect(report.body.data).toMatchObject({
      tenantId: tenant.id,
      plan: "free",
      quotas: { maxApps: 1, maxConcurrentStreams: 2 },
      usage: { apps: 1, concurrentStreams: 0, recordingMinutesMonth: 0, egressGbMonth: 0, storageGb: 0 },
      exceeded: { maxApps: true, maxConcurrentStreams: false },
    });
  });

  it("refuses a member's app over maxApps with 429 quota_exceeded, metric, limit and used", async () => {
    const tenant = await createTenant({ maxApps: 2 });
    const owner = await createUser(tenant.id, "owner");
    const jwt = await login(owner.email, owner.password);
    for (let i = 0; i < 2; i++) expect((await api("POST", "/api/v1/apps", { token: jwt, json: { name: uniqueName() } })).status).toBe(201);
    const refused = await api("POST", "/api/v1/apps", { token: jwt, json: { name: uniqueName() } });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ data: null, error: { code: "quota_exceeded", metric: "maxApps", limit: 2, used: 2 } });
    // Deleting one frees a slot.
    const apps = (await api("GET", "/api/v1/apps", { token: jwt })).body.data;
    await api("DELETE", `/api/v1/apps/${apps[0].name}`, { token: jwt });
    expect((await api("POST", "/api/v1/apps", { token: jwt, json: { name: uniqueName() } })).status).toBe(201);
  });

  it("never overshoots maxApps under concurrent creates", async () => {
    const tenant = await createTenant({ maxApps: 3 });
    const owner = await createUser(tenant.id, "owner");
    const jwt = await login(owner.email, owner.password);
    const results = await Promise.all(Array.from({ length: 30 }, () => api("POST", "/api/v1/apps", { token: jwt, json: { name: uniqueName("race") } })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 429)).toHaveLength(27);
    expect((await api("GET", `/api/v1/tenants/${tenant.id}/usage`)).body.data.usage.apps).toBe(3);
  });

  it("binds app-scoped tokens' tenants and exempts superadmins", async () => {
    const tenant = await createTenant({ maxApps: 0 });
    expect((await api("POST", "/api/v1/apps", { json: { name: uniqueName(), tenantId: tenant.id } })).status).toBe(201);
    const report = (await api("GET", `/api/v1/tenants/${tenant.id}/usage`)).body.data;
    expect(report.exceeded.maxApps).toBe(true);
    const logged = await api("GET", `/api/v1/logs?source=quota&q=${tenant.id}`);
    expect(logged.body.data[0].message).toContain("caller exempt");
  });
});

describe("STREAMHUB_AUTHZ_ENFORCE", () => {
  // The Worker with another enforcement mode: same actors and storage, another env.
  const inMode = (mode: "on" | "log" | "off") => ({ ...env, STREAMHUB_AUTHZ_ENFORCE: mode });
  const call = async (mode: "on" | "log" | "off", method: string, path: string, token: string, json?: unknown) => {
    const init: RequestInit = { method, headers: { Authorization: `Bearer ${token}`, ...(json ? { "Content-Type": "application/json" } : {}) }, body: json ? JSON.stringify(json) : undefined };
    const response = await app.request(path, { ...init, cf: { clientIp: DEFAULT_PEER } } as RequestInit, inMode(mode), { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext);
    return { status: response.status, body: (await response.json()) as any };
  };

  it("on denies, log records WOULD-DENY and lets through, off does not check", async () => {
    const tenant = await createTenant();
    const viewer = await createUser(tenant.id, "viewer");
    const jwt = await login(viewer.email, viewer.password);
    const target = await createApp(tenant.id);

    expect((await call("on", "PATCH", `/api/v1/apps/${target.name}`, jwt, { displayName: "on" })).status).toBe(403);
    const logged = await call("log", "PATCH", `/api/v1/apps/${target.name}`, jwt, { displayName: "log" });
    expect(logged.status).toBe(200);
    expect(logged.body.data.displayName).toBe("log");
    const entries = await api("GET", `/api/v1/logs?source=authz&app=${target.name}`, { token: BOOTSTRAP_TOKEN });
    expect(entries.body.data[0].message).toMatch(/^WOULD-DENY PATCH \/api\/v1\/apps\//);
    expect(JSON.parse(entries.body.data[0].metaJson)).toMatchObject({ userId: viewer.id, requirement: "config:write", role: "viewer" });

    expect((await call("off", "PATCH", `/api/v1/apps/${target.name}`, jwt, { displayName: "off" })).status).toBe(200);
    const before = (await api("GET", `/api/v1/logs?source=authz&app=${target.name}`)).body.total;
    expect(before).toBe(1);
  });

  it("applies to quotas alike", async () => {
    const tenant = await createTenant({ maxApps: 0 });
    const owner = await createUser(tenant.id, "owner");
    const jwt = await login(owner.email, owner.password);
    expect((await call("on", "POST", "/api/v1/apps", jwt, { name: uniqueName() })).status).toBe(429);
    expect((await call("log", "POST", "/api/v1/apps", jwt, { name: uniqueName() })).status).toBe(201);
    const logs = await api("GET", `/api/v1/logs?source=quota&q=WOULD-DENY`);
    expect(logs.body.data.some((l: any) => l.tenantId === tenant.id)).toBe(true);
  });

  it("never lets a bad credential through, in any mode", async () => {
    for (const mode of ["on", "log", "off"] as const) {
      expect((await call(mode, "GET", "/api/v1/apps", "sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).status).toBe(401);
    }
  });
});

describe("members of another tenant", () => {
  it("cannot be pulled into a tenant by its owner; a superadmin can move them", async () => {
    const mine = await createTenant();
    const theirs = await createTenant();
    const owner = await createUser(mine.id, "owner");
    const jwt = await login(owner.email, owner.password);
    const member = await createUser(theirs.id, "editor");
    const pulled = await api("POST", `/api/v1/tenants/${mine.id}/members`, { token: jwt, json: { email: member.email } });
    expect(pulled.status).toBe(409);
    expect(pulled.body.error.code).toBe("member_of_another_tenant");
    expect((await api("GET", `/api/v1/users/${member.id}`)).body.data.tenantId).toBe(theirs.id);

    const memberJwt = await login(member.email, member.password);
    const moved = await api("POST", `/api/v1/tenants/${mine.id}/members`, { json: { email: member.email, role: "viewer" } });
    expect(moved.body.data).toMatchObject({ tenantId: mine.id, role: "viewer" });
    expect((await api("GET", "/api/v1/auth/me", { token: memberJwt })).status).toBe(401);
  });
});
