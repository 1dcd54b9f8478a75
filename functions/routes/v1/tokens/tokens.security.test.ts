import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createToken } from "../../../testing.ts";

// Where a token may be used from (allowedIps) and what an app-scoped token can reach.

describe("IP allowlists", () => {
  it("accepts the allowed address and refuses any other, exact or CIDR, IPv4 or IPv6", async () => {
    const token = (await createToken({ name: "pinned", scope: "global", allowedIps: ["203.0.113.5", "192.0.2.0/24", "2001:db8::/32"] })).token;
    const from = async (peer: string) => (await api("GET", "/api/v1/apps", { token, peer })).status;
    expect(await from("203.0.113.5:1234")).toBe(200);
    expect(await from("192.0.2.77:1234")).toBe(200);
    expect(await from("[2001:db8::1]:1234")).toBe(200);
    expect(await from("203.0.113.6:1234")).toBe(401);
    expect(await from("198.51.100.1:1234")).toBe(401);
    expect(await from("[2001:db9::1]:1234")).toBe(401);
  });

  it("believes X-Forwarded-For only from a trusted proxy, taking the right-most untrusted hop", async () => {
    const token = (await createToken({ name: "behind-caddy", scope: "global", allowedIps: ["203.0.113.5"] })).token;
    const call = (peer: string, forwardedFor: string) => api("GET", "/api/v1/apps", { token, peer, headers: { "X-Forwarded-For": forwardedFor } });
    // Caddy on loopback forwards the real client.
    expect((await call("127.0.0.1:5555", "203.0.113.5")).status).toBe(200);
    // A client cannot choose its address by sending the header itself…
    expect((await call("198.51.100.9:5555", "203.0.113.5")).status).toBe(401);
    // …nor by prepending a spoofed hop in front of its real one.
    expect((await call("127.0.0.1:5555", "203.0.113.5, 198.51.100.9")).status).toBe(401);
    // A garbage hop is not an address.
    expect((await call("127.0.0.1:5555", "not-an-ip")).status).toBe(401);
  });

  it("refuses an allowlisted token when the caller's address cannot be known", async () => {
    const token = (await createToken({ name: "no-peer", scope: "global", allowedIps: ["0.0.0.0/0"] })).token;
    expect((await api("GET", "/api/v1/apps", { token, peer: "garbage" })).status).toBe(401);
  });
});

describe("app-scoped tokens", () => {
  it("reach their own app and see nothing else: another app is a 404, exactly as a missing one", async () => {
    const tenant = await createTenant({ maxApps: 10 });
    const mine = await createApp(tenant.id);
    const sibling = await createApp(tenant.id);
    const token = (await createToken({ name: "scoped", scope: "app", appId: mine.name })).token;

    expect((await api("GET", `/api/v1/apps/${mine.name}`, { token })).status).toBe(200);
    expect((await api("PATCH", `/api/v1/apps/${mine.name}`, { token, json: { displayName: "Mine" } })).status).toBe(200);
    const other = await api("GET", `/api/v1/apps/${sibling.name}`, { token });
    const missing = await api("GET", "/api/v1/apps/never-existed", { token });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe(missing.body.error.code);
    expect((await api("DELETE", `/api/v1/apps/${sibling.name}`, { token })).status).toBe(404);

    const list = await api("GET", "/api/v1/apps?limit=1000", { token });
    expect(list.body.data.map((a: any) => a.name)).toEqual([mine.name]);

    for (const [method, path] of [["POST", "/api/v1/apps"], ["GET", "/api/v1/tokens"], ["POST", "/api/v1/tokens"], ["GET", "/api/v1/tenants"], ["GET", "/api/v1/users"]] as const) {
      expect((await api(method, path, { token, json: method === "POST" ? { name: "zzz-nope", scope: "global" } : undefined })).status, `${method} ${path}`).toBe(403);
    }
  });

  it("dies with its app", async () => {
    const app = await createApp();
    const token = (await createToken({ name: "doomed", scope: "app", appId: app.name })).token;
    await api("DELETE", `/api/v1/apps/${app.name}`);
    await createApp(undefined, app.name);
    expect((await api("GET", `/api/v1/apps/${app.name}`, { token })).status).toBe(401);
  });
});
