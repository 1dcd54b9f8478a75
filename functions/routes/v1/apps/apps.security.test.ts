import { describe, expect, it } from "vitest";
import { api, uniqueAppName } from "../../../testing.ts";

// Who may call the apps routes. Today every credential is a global sk_ token;
// roles, app-scoped tokens and allowlists extend this table (issue 3).
const routes = [
  ["GET", "/api/v1/apps"],
  ["POST", "/api/v1/apps"],
  ["GET", "/api/v1/apps/demo"],
  ["PATCH", "/api/v1/apps/demo"],
  ["DELETE", "/api/v1/apps/demo"],
] as const;

const credentials: [string, Record<string, string>][] = [
  ["no credential", {}],
  ["an empty bearer", { Authorization: "Bearer " }],
  ["a Basic credential", { Authorization: "Basic dXNlcjpwYXNz" }],
  ["a token without the sk_ prefix", { Authorization: "Bearer abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" }],
  ["an unknown sk_ token", { Authorization: "Bearer sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
  ["a bearer with trailing junk", { Authorization: "Bearer sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA extra" }],
];

describe("apps: credentials", () => {
  for (const [method, path] of routes) {
    it.each(credentials)(`${method} ${path} with %s → 401`, async (_label, headers) => {
      const response = await api(method, path, { token: null, headers, json: method === "GET" || method === "DELETE" ? undefined : { name: uniqueAppName() } });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe("unauthorized");
      expect(response.headers.get("WWW-Authenticate")).toContain("Bearer");
    });
  }

  it("an unauthenticated create stores nothing", async () => {
    const name = uniqueAppName();
    await api("POST", "/api/v1/apps", { token: null, json: { name } });
    expect((await api("GET", `/api/v1/apps/${name}`)).status).toBe(404);
  });

  it("health is public and reveals no configuration", async () => {
    const response = await api("GET", "/api/v1/health", { token: null });
    expect(response.status).toBe(200);
    const text = JSON.stringify(response.body);
    expect(text).not.toMatch(/sk_|secret|127\.0\.0\.1/i);
  });

  it("the bootstrap token works, and the error bodies never echo a presented token", async () => {
    expect((await api("GET", "/api/v1/apps")).status).toBe(200);
    const presented = "sk_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
    const response = await api("GET", "/api/v1/apps", { token: presented });
    expect(JSON.stringify(response.body)).not.toContain(presented);
  });
});
