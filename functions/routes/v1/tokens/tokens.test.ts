import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createToken, createUser, login } from "../../../testing.ts";

describe("API tokens", () => {
  it("creates a global token, shows its value once, and lists it without it", async () => {
    const created = await createToken({ name: "ci", scope: "global" });
    expect(created).toMatchObject({ name: "ci", scope: "global", appId: null, app: null, allowedIps: [], revoked: false, lastUsedAt: null });
    expect(created.token).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);

    expect((await api("GET", "/api/v1/apps", { token: created.token })).status).toBe(200);
    const listed = (await api("GET", "/api/v1/tokens?limit=1000")).body.data.find((t: any) => t.id === created.id);
    expect(listed).toMatchObject({ id: created.id, name: "ci" });
    expect(listed.token).toBeUndefined();
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify((await api("GET", "/api/v1/tokens?limit=1000")).body)).not.toContain(created.token);
  });

  it("binds an app token to its app by name or id, in the app's tenant", async () => {
    const tenant = await createTenant();
    const app = await createApp(tenant.id);
    const byName = await createToken({ name: "by-name", scope: "app", appId: app.name });
    const byId = await createToken({ name: "by-id", scope: "app", appId: app.id });
    for (const token of [byName, byId]) expect(token).toMatchObject({ scope: "app", appId: app.id, app: app.name, tenantId: tenant.id });
  });

  it("revokes at once: the next request with the token is refused", async () => {
    const created = await createToken({ name: "short-lived", scope: "global" });
    expect((await api("GET", "/api/v1/apps", { token: created.token })).status).toBe(200);
    expect((await api("DELETE", `/api/v1/tokens/${created.id}`)).status).toBe(204);
    const after = await api("GET", "/api/v1/apps", { token: created.token });
    expect(after.status).toBe(401);
    expect((await api("GET", "/api/v1/tokens?limit=1000")).body.data.find((t: any) => t.id === created.id).revoked).toBe(true);
    expect((await api("DELETE", `/api/v1/tokens/${created.id}`)).status).toBe(204);
  });

  it("lets an owner manage app tokens of the tenant's apps, and nothing else", async () => {
    const tenant = await createTenant();
    const app = await createApp(tenant.id);
    const otherApp = await createApp((await createTenant()).id);
    const owner = await createUser(tenant.id, "owner");
    const jwt = await login(owner.email, owner.password);

    const mine = await createToken({ name: "owner-made", scope: "app", appId: app.name }, jwt);
    expect(mine.tenantId).toBe(tenant.id);
    expect((await api("POST", "/api/v1/tokens", { token: jwt, json: { name: "x", scope: "global" } })).status).toBe(403);
    expect((await api("POST", "/api/v1/tokens", { token: jwt, json: { name: "x", scope: "app", appId: otherApp.name } })).status).toBe(404);

    const listed = (await api("GET", "/api/v1/tokens?limit=1000", { token: jwt })).body.data;
    expect(listed.map((t: any) => t.id)).toEqual([mine.id]);
    const foreign = await createToken({ name: "foreign", scope: "app", appId: otherApp.name });
    expect((await api("DELETE", `/api/v1/tokens/${foreign.id}`, { token: jwt })).status).toBe(404);
    expect((await api("DELETE", `/api/v1/tokens/${mine.id}`, { token: jwt })).status).toBe(204);
  });

  it.each([
    [{ name: "x", scope: "app" }, "appId"],
    [{ name: "x", scope: "global", appId: 1 }, "appId"],
    [{ name: "", scope: "global" }, "name"],
    [{ name: "x", scope: "tenant" }, "scope"],
    [{ name: "x", scope: "global", allowedIps: ["10.0.0.0/33"] }, "allowedIps.0"],
    [{ name: "x", scope: "global", allowedIps: ["not-an-ip"] }, "allowedIps.0"],
    [{ name: "x", scope: "global", allowedIps: ["*"] }, "allowedIps.0"],
    [{ name: "x", scope: "global", extra: 1 }, ""],
  ])("refuses %j (400 at %s)", async (json, field) => {
    const before = (await api("GET", "/api/v1/tokens?limit=1")).body.total;
    const response = await api("POST", "/api/v1/tokens", { json });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
    if (field) expect(response.body.error.details.map((d: any) => d.path)).toContain(field);
    expect((await api("GET", "/api/v1/tokens?limit=1")).body.total).toBe(before);
  });

  it("answers 404 for an unknown token or app", async () => {
    expect((await api("DELETE", "/api/v1/tokens/tok_nope")).body.error.code).toBe("token_not_found");
    expect((await api("POST", "/api/v1/tokens", { json: { name: "x", scope: "app", appId: "no-such-app" } })).status).toBe(404);
    expect((await api("POST", "/api/v1/tokens", { json: { name: "x", scope: "app", appId: 999999 } })).status).toBe(404);
  });
});

describe("global tokens", () => {
  it("belong to the platform: a tenant owner neither lists nor revokes them", async () => {
    const tenant = await createTenant();
    const owner = await createUser(tenant.id, "owner");
    const jwt = await login(owner.email, owner.password);
    const global = await createToken({ name: "ops", scope: "global" });
    expect(global.tenantId).toBe("platform");
    const listed = (await api("GET", "/api/v1/tokens?limit=1000", { token: jwt })).body.data;
    expect(listed.map((t: any) => t.id)).not.toContain(global.id);
    expect((await api("DELETE", `/api/v1/tokens/${global.id}`, { token: jwt })).status).toBe(404);
    expect((await api("GET", "/api/v1/apps", { token: global.token })).status).toBe(200);
  });
});
