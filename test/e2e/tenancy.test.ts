// The auth issue's "done when", as a new operator would do it against
// StreamHub started exactly as `npm start` does (real workerd, Caddy's place
// taken by this test on loopback sending X-Forwarded-For).
import { afterAll, describe, expect, it } from "vitest";
import { call, removeDataDir, startStreamHub, type RunningStreamHub } from "./harness.ts";

const ADMIN = { ADMIN_USER: "ops@example.test", ADMIN_PASS: "a-break-glass-password" };
const nodes: RunningStreamHub[] = [];
afterAll(async () => {
  for (const node of nodes) {
    await node.stop();
    removeDataDir(node.dataDir);
  }
});

const from = (ip: string) => ({ "X-Forwarded-For": ip });

describe("tenants, owners and app-scoped tokens on a running node", () => {
  it("operator → tenant → owner → pinned app token: works from its address only, for its app only, until revoked", async () => {
    const node = await startStreamHub({ env: ADMIN });
    nodes.push(node);
    const base = node.url;

    const admin = (await call(base, "POST", "/api/v1/auth/login", { json: { user: ADMIN.ADMIN_USER, password: ADMIN.ADMIN_PASS } })).body.data.token;
    expect(admin).toBeTypeOf("string");
    expect((await call(base, "POST", "/api/v1/tenants", { token: admin, json: { id: "acme", name: "Acme", plan: "free" } })).status).toBe(201);
    const owner = await call(base, "POST", "/api/v1/users", {
      token: admin,
      json: { email: "owner@acme.test", password: "owner-password-123", tenantId: "acme", role: "owner" },
    });
    expect(owner.body.data).toMatchObject({ tenantId: "acme", role: "owner", status: "active" });

    const ownerJwt = (await call(base, "POST", "/api/v1/auth/login", { json: { user: "owner@acme.test", password: "owner-password-123" } })).body.data.token;
    expect((await call(base, "POST", "/api/v1/apps", { token: ownerJwt, json: { name: "acme-live" } })).status).toBe(201);
    expect((await call(base, "POST", "/api/v1/apps", { token: admin, json: { name: "other-co-app" } })).status).toBe(201);

    const created = await call(base, "POST", "/api/v1/tokens", {
      token: ownerJwt,
      json: { name: "encoder", scope: "app", appId: "acme-live", allowedIps: ["203.0.113.5"] },
    });
    expect(created.status).toBe(201);
    const token = created.body.data.token;

    expect((await call(base, "GET", "/api/v1/apps/acme-live", { token, headers: from("203.0.113.5") })).status).toBe(200);
    expect((await call(base, "GET", "/api/v1/apps/acme-live", { token, headers: from("198.51.100.1") })).status).toBe(401);
    const other = await call(base, "GET", "/api/v1/apps/other-co-app", { token, headers: from("203.0.113.5") });
    const missing = await call(base, "GET", "/api/v1/apps/no-such-app", { token, headers: from("203.0.113.5") });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe(missing.body.error.code);

    expect((await call(base, "DELETE", `/api/v1/tokens/${created.body.data.id}`, { token: ownerJwt })).status).toBe(204);
    expect((await call(base, "GET", "/api/v1/apps/acme-live", { token, headers: from("203.0.113.5") })).status).toBe(401);

    // The owner sees the audit trail of it all; the operator sees everything.
    const audit = (await call(base, "GET", "/api/v1/audit", { token: ownerJwt })).body.data;
    expect(audit.map((e: any) => `${e.method} ${e.path} ${e.status}`)).toEqual(
      expect.arrayContaining([`DELETE /api/v1/tokens/${created.body.data.id} 204`, "POST /api/v1/tokens 201", "POST /api/v1/apps 201"]),
    );
    expect(audit.every((e: any) => e.tenantId === "acme")).toBe(true);
    expect((await call(base, "PATCH", "/api/v1/apps/acme-live", { token: ownerJwt, json: { displayName: "Acme Live" } })).status).toBe(200);
    const appAudit = (await call(base, "GET", "/api/v1/apps/acme-live/audit", { token: ownerJwt })).body.data;
    expect(appAudit[0]).toMatchObject({ method: "PATCH", path: "/api/v1/apps/acme-live", status: 200, actor: owner.body.data.id, via: "user_jwt" });
  });

  it("in log mode records a would-deny and lets it through", async () => {
    const node = await startStreamHub({ env: { ...ADMIN, STREAMHUB_AUTHZ_ENFORCE: "log" } });
    nodes.push(node);
    const base = node.url;
    const admin = (await call(base, "POST", "/api/v1/auth/login", { json: { user: ADMIN.ADMIN_USER, password: ADMIN.ADMIN_PASS } })).body.data.token;
    await call(base, "POST", "/api/v1/tenants", { token: admin, json: { id: "viewers", name: "Viewers" } });
    await call(base, "POST", "/api/v1/users", { token: admin, json: { email: "v@viewers.test", password: "viewer-password-1", tenantId: "viewers", role: "viewer" } });
    await call(base, "POST", "/api/v1/apps", { token: admin, json: { name: "viewed", tenantId: "viewers" } });
    const viewer = (await call(base, "POST", "/api/v1/auth/login", { json: { user: "v@viewers.test", password: "viewer-password-1" } })).body.data.token;

    const patched = await call(base, "PATCH", "/api/v1/apps/viewed", { token: viewer, json: { displayName: "changed by a viewer" } });
    expect(patched.status).toBe(200);
    const logs = (await call(base, "GET", "/api/v1/logs?source=authz", { token: admin })).body.data;
    expect(logs[0]).toMatchObject({ level: "warn", source: "authz", tenantId: "viewers", appId: "viewed" });
    expect(logs[0].message).toContain("WOULD-DENY PATCH /api/v1/apps/viewed");
  });
});
