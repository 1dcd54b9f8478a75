import { describe, expect, it } from "vitest";
import { api, createTenant, createUser, uniqueName } from "../../../testing.ts";

// The original dashboard signs in with {"user","email","password"} (the same
// value in both keys); `email` is an alias of `user`.

describe("login: the original dashboard's body", () => {
  it("signs in with user and email both given (equal, whatever their case)", async () => {
    const user = await createUser((await createTenant()).id, "viewer");
    const response = await api("POST", "/api/v1/auth/login", { token: null, json: { user: user.email, email: user.email.toUpperCase(), password: user.password }, peer: "192.0.2.80:1" });
    expect(response.status).toBe(200);
    expect(response.body.data.token).toEqual(expect.any(String));
    const me = await api("GET", "/api/v1/auth/me", { token: response.body.data.token });
    expect(me.body.data).toMatchObject({ userId: user.id, email: user.email });
  });

  it("signs in with email alone", async () => {
    const user = await createUser((await createTenant()).id, "editor");
    const response = await api("POST", "/api/v1/auth/login", { token: null, json: { email: user.email, password: user.password }, peer: "192.0.2.81:1" });
    expect(response.status).toBe(200);
    expect((await api("GET", "/api/v1/auth/me", { token: response.body.data.token })).body.data.userId).toBe(user.id);
  });

  it("takes the TOTP `code` the original sends (reserved, ignored)", async () => {
    const user = await createUser((await createTenant()).id, "viewer");
    const response = await api("POST", "/api/v1/auth/login", { token: null, json: { user: user.email, email: user.email, password: user.password, code: "123456" }, peer: "192.0.2.82:1" });
    expect(response.status).toBe(200);
  });
});

describe("login: refused bodies", () => {
  it("refuses user and email that name different accounts, and signs in neither", async () => {
    const first = await createUser((await createTenant()).id, "viewer");
    const second = await createUser((await createTenant()).id, "viewer");
    const response = await api("POST", "/api/v1/auth/login", { token: null, json: { user: first.email, email: second.email, password: first.password }, peer: "192.0.2.83:1" });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
    expect(response.body.error.message).toMatch(/email: user and email name different accounts/);
    expect(response.body.data).toBeNull();
  });

  it("refuses a body with neither user nor email", async () => {
    const response = await api("POST", "/api/v1/auth/login", { token: null, json: { password: "whatever-password" }, peer: "192.0.2.84:1" });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "validation_failed", message: expect.stringMatching(/^user: give user/) });
  });

  it("still refuses an unknown key (a typo in a login is a 400, not ignored)", async () => {
    const response = await api("POST", "/api/v1/auth/login", { token: null, json: { user: "a@example.test", pasword: "typo-in-the-key" }, peer: "192.0.2.85:1" });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
  });
});

describe("login: the alias is no way around the checks", () => {
  it("answers a wrong password through email as through user", async () => {
    const user = await createUser(undefined);
    const viaEmail = await api("POST", "/api/v1/auth/login", { token: null, json: { email: user.email, password: "not-the-password" }, peer: "192.0.2.86:1" });
    const unknown = await api("POST", "/api/v1/auth/login", { token: null, json: { email: `${uniqueName("ghost")}@example.test`, password: "not-the-password" }, peer: "192.0.2.86:1" });
    for (const response of [viaEmail, unknown]) {
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({ code: "invalid_credentials", message: "wrong user or password" });
    }
  });

  it("counts failures through email against the same account", async () => {
    const user = await createUser(undefined);
    for (let i = 0; i < 10; i++) {
      const key = i % 2 === 0 ? { email: user.email } : { user: user.email };
      expect((await api("POST", "/api/v1/auth/login", { token: null, json: { ...key, password: `wrong-${i}` }, peer: `192.0.2.${100 + i}:1` })).status).toBe(401);
    }
    const blocked = await api("POST", "/api/v1/auth/login", { token: null, json: { email: user.email, password: user.password }, peer: "192.0.2.120:1" });
    expect(blocked.status).toBe(429);
  });
});
