// POST /api/v1/auth/password: a signed-in user changes their own password.
import { describe, expect, it } from "vitest";
import { api, createTenant, createUser, login } from "../../../testing.ts";

const NEW = "a-brand-new-password-42";
const change = (token: string, currentPassword: string, newPassword: string, peer?: string) =>
  api("POST", "/api/v1/auth/password", { token, json: { currentPassword, newPassword }, peer });

describe("changing one's own password", () => {
  it("takes the new one, ends every session and gives this browser a fresh one; the old password stops working", async () => {
    const user = await createUser((await createTenant()).id, "viewer");
    const here = await login(user.email, user.password);
    const elsewhere = await login(user.email, user.password);

    const response = await change(here, user.password, NEW);
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ token: expect.stringMatching(/^ey/), sessionId: expect.stringMatching(/^ses_/), sessionsEnded: 2 });

    // Both old sessions are over; the new token works and is the only session.
    expect((await api("GET", "/api/v1/auth/me", { token: here })).status).toBe(401);
    expect((await api("GET", "/api/v1/auth/me", { token: elsewhere })).status).toBe(401);
    const fresh = response.body.data.token;
    expect((await api("GET", "/api/v1/auth/me", { token: fresh })).body.data).toMatchObject({ userId: user.id, sessionId: response.body.data.sessionId });
    expect((await api("GET", "/api/v1/auth/sessions", { token: fresh })).body.data).toHaveLength(1);

    expect((await api("POST", "/api/v1/auth/login", { token: null, json: { user: user.email, password: user.password } })).status).toBe(401);
    expect((await api("POST", "/api/v1/auth/login", { token: null, json: { user: user.email, password: NEW } })).status).toBe(200);
  });

  it("works for a superadmin user too (not the break-glass admin)", async () => {
    const user = await createUser(undefined, "viewer", { isSuperadmin: true });
    const response = await change(await login(user.email, user.password), user.password, NEW);
    expect(response.status).toBe(200);
    expect((await api("GET", "/api/v1/auth/me", { token: response.body.data.token })).body.data).toMatchObject({ userId: user.id, isSuperadmin: true });
  });

  it("is in the audit log of the user's tenant, without the passwords", async () => {
    const tenant = await createTenant();
    const user = await createUser(tenant.id, "viewer");
    await change(await login(user.email, user.password), user.password, NEW);
    const rows = (await api("GET", "/api/v1/audit?limit=200")).body.data as Record<string, unknown>[];
    const row = rows.find((r) => r.path === "/api/v1/auth/password" && r.actor === user.id);
    expect(row).toMatchObject({ method: "POST", status: 200 });
    expect(JSON.stringify(rows)).not.toContain(NEW);
  });
});

describe("changing one's own password: errors", () => {
  it("refuses a wrong current password with wrong_password (403, not 401: the session stays)", async () => {
    const user = await createUser(undefined);
    const token = await login(user.email, user.password);
    const response = await change(token, "not-the-password", NEW, "192.0.2.70:1");
    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({ code: "wrong_password", message: "the current password is wrong" });
    expect((await api("GET", "/api/v1/auth/me", { token })).status).toBe(200);
    expect((await api("POST", "/api/v1/auth/login", { token: null, json: { user: user.email, password: user.password } })).status).toBe(200);
  });

  it.each([
    ["too short", () => "short-pass1", "at least 12 characters"],
    ["the current one", (current: string) => current, "is the current one"],
    ["the email address", (_: string, email: string) => email.toUpperCase(), "is your email address"],
  ])("refuses a new password that is %s with weak_password, and keeps the old one", async (_label, make, says) => {
    const user = await createUser(undefined);
    const token = await login(user.email, user.password);
    const response = await change(token, user.password, make(user.password, user.email));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("weak_password");
    expect(response.body.error.message).toContain(says);
    expect((await api("GET", "/api/v1/auth/me", { token })).status).toBe(200);
  });

  it.each([
    ["no body fields", {}],
    ["an unknown field", { currentPassword: "x", newPassword: NEW, user: "someone-else" }],
    ["a password over 1024 characters", { currentPassword: "x", newPassword: "a".repeat(1025) }],
  ])("answers %s with validation_failed", async (_label, json) => {
    const user = await createUser(undefined);
    const response = await api("POST", "/api/v1/auth/password", { token: await login(user.email, user.password), json });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
  });
});
