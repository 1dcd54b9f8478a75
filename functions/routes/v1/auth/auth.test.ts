import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { utf8 } from "../../../../core/crypto/encoding.ts";
import { ADMIN, api, createTenant, createUser, login, uniqueName } from "../../../testing.ts";

const JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789";

describe("dashboard login", () => {
  it("logs a member in; /auth/me says who it is", async () => {
    const tenant = await createTenant();
    const user = await createUser(tenant.id, "editor");
    const response = await api("POST", "/api/v1/auth/login", { token: null, json: { user: user.email.toUpperCase(), password: user.password } });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ token: expect.any(String), sessionId: expect.stringMatching(/^ses_/) });
    const me = await api("GET", "/api/v1/auth/me", { token: response.body.data.token });
    expect(me.body.data).toMatchObject({ userId: user.id, tenantId: tenant.id, role: "editor", isSuperadmin: false, scope: "user", via: "user_jwt", email: user.email });
  });

  it("logs the break-glass admin in as superadmin", async () => {
    const token = await login(ADMIN.user, ADMIN.password);
    const me = await api("GET", "/api/v1/auth/me", { token });
    expect(me.body.data).toMatchObject({ userId: "admin", tenantId: "platform", role: "superadmin", isSuperadmin: true, via: "admin_jwt" });
    expect((await api("GET", "/api/v1/tenants", { token })).status).toBe(200);
  });

  it("answers an unknown user and a wrong password identically", async () => {
    const user = await createUser(undefined);
    const wrong = await api("POST", "/api/v1/auth/login", { token: null, json: { user: user.email, password: "not-the-password" }, peer: "192.0.2.50:1" });
    const unknown = await api("POST", "/api/v1/auth/login", { token: null, json: { user: `${uniqueName("ghost")}@example.test`, password: "whatever-password" }, peer: "192.0.2.50:1" });
    const badAdmin = await api("POST", "/api/v1/auth/login", { token: null, json: { user: ADMIN.user, password: "wrong-admin-password" }, peer: "192.0.2.50:1" });
    for (const response of [wrong, unknown, badAdmin]) {
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({ code: "invalid_credentials", message: "wrong user or password" });
    }
  });

  it("refuses a pending user (no password yet)", async () => {
    const tenant = await createTenant();
    const email = `${uniqueName("pending")}@example.test`;
    expect((await api("POST", `/api/v1/tenants/${tenant.id}/members`, { json: { email, role: "viewer" } })).body.data.status).toBe("pending");
    const response = await api("POST", "/api/v1/auth/login", { token: null, json: { user: email, password: "any-password-at-all" }, peer: "192.0.2.51:1" });
    expect(response.status).toBe(401);
  });

  it("throttles failures per account and per address with 429 and Retry-After", async () => {
    const user = await createUser(undefined);
    const peer = "192.0.2.60:1";
    for (let i = 0; i < 10; i++) {
      expect((await api("POST", "/api/v1/auth/login", { token: null, json: { user: user.email, password: `wrong-${i}` }, peer })).status).toBe(401);
    }
    const blocked = await api("POST", "/api/v1/auth/login", { token: null, json: { user: user.email, password: user.password }, peer });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("too_many_requests");
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    // The account is throttled from anywhere…
    expect((await api("POST", "/api/v1/auth/login", { token: null, json: { user: user.email, password: user.password }, peer: "192.0.2.61:1" })).status).toBe(429);
    // …and the address for any account.
    const other = await createUser(undefined);
    expect((await api("POST", "/api/v1/auth/login", { token: null, json: { user: other.email, password: other.password }, peer })).status).toBe(429);
    // Others are not affected.
    expect((await api("POST", "/api/v1/auth/login", { token: null, json: { user: other.email, password: other.password }, peer: "192.0.2.62:1" })).status).toBe(200);
  });

  it("lists, ends and logs out sessions; an ended session's token stops working", async () => {
    const user = await createUser((await createTenant()).id, "viewer");
    const first = await login(user.email, user.password);
    const second = await login(user.email, user.password);
    const sessions = (await api("GET", "/api/v1/auth/sessions", { token: first })).body.data;
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s: any) => s.current)).toHaveLength(1);

    const secondId = sessions.find((s: any) => !s.current).id;
    expect((await api("DELETE", `/api/v1/auth/sessions/${secondId}`, { token: first })).status).toBe(204);
    expect((await api("GET", "/api/v1/auth/me", { token: second })).status).toBe(401);

    expect((await api("POST", "/api/v1/auth/logout", { token: first })).status).toBe(204);
    expect((await api("GET", "/api/v1/auth/me", { token: first })).status).toBe(401);
  });

  it("cannot end another user's session", async () => {
    const alice = await createUser(undefined);
    const bob = await createUser(undefined);
    await login(bob.email, bob.password);
    const aliceToken = await login(alice.email, alice.password);
    const bobToken = await login(bob.email, bob.password);
    const bobSession = (await api("GET", "/api/v1/auth/sessions", { token: bobToken })).body.data[0].id;
    expect((await api("DELETE", `/api/v1/auth/sessions/${bobSession}`, { token: aliceToken })).status).toBe(404);
    expect((await api("GET", "/api/v1/auth/me", { token: bobToken })).status).toBe(200);
  });

  it("ends a user's sessions when the password changes or the user is disabled", async () => {
    const user = await createUser(undefined);
    const token = await login(user.email, user.password);
    expect((await api("PATCH", `/api/v1/users/${user.id}`, { json: { password: "another-long-password" } })).status).toBe(200);
    expect((await api("GET", "/api/v1/auth/me", { token })).status).toBe(401);
    const again = await login(user.email, "another-long-password");
    await api("PATCH", `/api/v1/users/${user.id}`, { json: { status: "disabled" } });
    expect((await api("GET", "/api/v1/auth/me", { token: again })).status).toBe(401);
  });
});

describe("dashboard JWTs that must be refused", () => {
  const claims = async () => {
    const user = await createUser(undefined);
    const token = await login(user.email, user.password);
    const me = (await api("GET", "/api/v1/auth/me", { token })).body.data;
    return { sub: user.id as string, sid: me.sessionId as string };
  };
  const sign = (payload: Record<string, unknown>, secret = JWT_SECRET, alg = "HS256") =>
    new SignJWT(payload).setProtectedHeader({ alg }).setIssuer("streamhub").setAudience("streamhub-dashboard").setIssuedAt().sign(utf8(secret));

  it("accepts a well-formed one (the control)", async () => {
    const { sub, sid } = await claims();
    const token = await new SignJWT({ sid }).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setJti(sid).setIssuer("streamhub").setAudience("streamhub-dashboard").setExpirationTime("1h").sign(utf8(JWT_SECRET));
    expect((await api("GET", "/api/v1/auth/me", { token })).status).toBe(200);
  });

  it.each([
    ["alg: none", async (sub: string, sid: string) => new UnsecuredJWT({ sid }).setSubject(sub).setJti(sid).setIssuer("streamhub").setAudience("streamhub-dashboard").setExpirationTime("1h").encode()],
    ["HS512 with the same secret", async (sub: string, sid: string) => sign({ sub, sid, jti: sid, exp: Math.floor(Date.now() / 1000) + 3600 }, JWT_SECRET, "HS512")],
    ["a different secret", async (sub: string, sid: string) => sign({ sub, sid, jti: sid, exp: Math.floor(Date.now() / 1000) + 3600 }, "another-secret-0123456789abcdef012345")],
    ["an expired token", async (sub: string, sid: string) => sign({ sub, sid, jti: sid, exp: Math.floor(Date.now() / 1000) - 60 })],
    ["no expiry", async (sub: string, sid: string) => sign({ sub, sid, jti: sid })],
    ["another user's subject", async (_sub: string, sid: string) => sign({ sub: "usr_someone_else", sid, jti: sid, exp: Math.floor(Date.now() / 1000) + 3600 })],
    ["an unknown session", async (sub: string) => sign({ sub, sid: "ses_unknown", jti: "ses_unknown", exp: Math.floor(Date.now() / 1000) + 3600 })],
    ["garbage", async () => "not.a.jwt"],
  ])("refuses %s", async (_label, make) => {
    const { sub, sid } = await claims();
    const response = await api("GET", "/api/v1/auth/me", { token: await make(sub, sid) });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe("unauthorized");
  });

  it("refuses a revoked session's token", async () => {
    const user = await createUser(undefined);
    const token = await login(user.email, user.password);
    await api("POST", "/api/v1/auth/logout", { token });
    expect((await api("GET", "/api/v1/auth/me", { token })).status).toBe(401);
  });
});

describe("login throttling under parallel attempts", () => {
  it("never lets more than the limit of failures through at once", async () => {
    const user = await createUser(undefined);
    const peer = "192.0.2.90:1";
    const attempts = await Promise.all(
      Array.from({ length: 30 }, (_, i) => api("POST", "/api/v1/auth/login", { token: null, json: { user: user.email, password: `wrong-${i}` }, peer })),
    );
    expect(attempts.filter((r) => r.status === 401).length).toBeLessThanOrEqual(10);
    expect(attempts.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(20);
  });
});

describe("break-glass sessions", () => {
  it("end when ADMIN_PASS changes", async () => {
    const { env } = await import("cloudflare:test");
    const app = (await import("../../../index.ts")).default;
    const token = await login(ADMIN.user, ADMIN.password);
    const me = (bindings: object) =>
      app.request("/api/v1/auth/me", { headers: { Authorization: `Bearer ${token}` }, cf: { clientIp: "198.51.100.7:1" } } as RequestInit, bindings);
    expect((await me(env)).status).toBe(200);
    expect((await me({ ...env, ADMIN_PASS: "a-new-break-glass-password" })).status).toBe(401);
  });
});

describe("CF-Connecting-IP", () => {
  it("is ignored under workerd, where the peer is known, even with TRUST_CLOUDFLARE", async () => {
    const { env } = await import("cloudflare:test");
    const app = (await import("../../../index.ts")).default;
    const pinned = (await api("POST", "/api/v1/tokens", { json: { name: "cf", scope: "global", allowedIps: ["203.0.113.77"] } })).body.data.token;
    const response = await app.request(
      "/api/v1/apps",
      { headers: { Authorization: `Bearer ${pinned}`, "CF-Connecting-IP": "203.0.113.77" }, cf: { clientIp: "198.51.100.7:1" } } as RequestInit,
      { ...env, TRUST_CLOUDFLARE: "1" },
    );
    expect(response.status).toBe(401);
  });
});
