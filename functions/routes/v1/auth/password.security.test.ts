// Who may change which password through POST /api/v1/auth/password: only a
// signed-in user, only their own, with no more guesses than the sign-in form.
import { describe, expect, it } from "vitest";
import { ADMIN, api, createToken, createUser, login } from "../../../testing.ts";

const NEW = "a-brand-new-password-42";

describe("changing one's own password: security", () => {
  it("needs a credential", async () => {
    const response = await api("POST", "/api/v1/auth/password", { token: null, json: { currentPassword: "x", newPassword: NEW } });
    expect(response.status).toBe(401);
  });

  it("is not for the break-glass admin (ADMIN_PASS) nor an API token", async () => {
    const admin = await login(ADMIN.user, ADMIN.password);
    const asAdmin = await api("POST", "/api/v1/auth/password", { token: admin, json: { currentPassword: ADMIN.password, newPassword: NEW } });
    expect(asAdmin.status).toBe(403);
    expect(asAdmin.body.error.message).toContain("ADMIN_PASS");
    const token = (await createToken({ name: "pw", scope: "global" })).token;
    const asToken = await api("POST", "/api/v1/auth/password", { token, json: { currentPassword: "anything", newPassword: NEW } });
    expect(asToken.status).toBe(403);
    expect((await api("POST", "/api/v1/auth/login", { token: null, json: { user: ADMIN.user, password: ADMIN.password } })).status).toBe(200);
  });

  it("changes only the caller's own password: another user's current password does not open it", async () => {
    const alice = await createUser(undefined);
    const bob = await createUser(undefined);
    // Test users share one password: Bob gets one of his own first.
    const bobs = "bobs-very-own-password-7";
    expect((await api("PATCH", `/api/v1/users/${bob.id}`, { json: { password: bobs } })).status).toBe(200);
    const aliceToken = await login(alice.email, alice.password);
    const response = await api("POST", "/api/v1/auth/password", { token: aliceToken, json: { currentPassword: bobs, newPassword: NEW } });
    expect(response.status).toBe(403);
    expect((await api("POST", "/api/v1/auth/login", { token: null, json: { user: bob.email, password: bobs } })).status).toBe(200);
    expect((await api("POST", "/api/v1/auth/login", { token: null, json: { user: alice.email, password: alice.password } })).status).toBe(200);
  });

  it("shares the login throttle: a stolen session gets no extra guesses, and the sign-in form is throttled after them too", async () => {
    const user = await createUser(undefined);
    const token = await login(user.email, user.password, "192.0.2.80:1");
    const peer = "192.0.2.81:1";
    for (let i = 0; i < 10; i++) {
      const guess = await api("POST", "/api/v1/auth/password", { token, json: { currentPassword: `guess-${i}`, newPassword: NEW }, peer });
      expect(guess.status).toBe(403);
    }
    const blocked = await api("POST", "/api/v1/auth/password", { token, json: { currentPassword: user.password, newPassword: NEW }, peer });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("too_many_requests");
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    // The account is throttled at the sign-in form as well, from any address.
    expect((await api("POST", "/api/v1/auth/login", { token: null, json: { user: user.email, password: user.password }, peer: "192.0.2.82:1" })).status).toBe(429);
  });
});
