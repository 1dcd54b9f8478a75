import { describe, expect, it } from "vitest";
import { api, uniqueAppName } from "../../../testing.ts";

const expectError = (response: { status: number; body: any; headers: Headers }, status: number, code: string) => {
  expect(response.status).toBe(status);
  expect(response.body.data).toBeNull();
  expect(response.body.error.code).toBe(code);
  expect(response.body.error.message).toBeTypeOf("string");
  expect(response.body.error.requestId).toBe(response.headers.get("X-Request-Id"));
};

const appCount = async () => (await api("GET", "/api/v1/apps?limit=1")).body.total as number;

describe("apps: bad input is a 4xx with a code, and stores nothing", () => {
  it.each([
    [{}, "name"],
    [{ name: "ab" }, "name"],
    [{ name: "-leading" }, "name"],
    [{ name: "trailing-" }, "name"],
    [{ name: "UPPER" }, "name"],
    [{ name: "a".repeat(33) }, "name"],
    [{ name: "white space" }, "name"],
    [{ name: 42 }, "name"],
    [{ name: "valid-name", roomPrefix: "-bad" }, "roomPrefix"],
    [{ name: "valid-name", roomPrefix: "p".repeat(41) }, "roomPrefix"],
    [{ name: "valid-name", displayName: "" }, "displayName"],
    [{ name: "valid-name", unknownField: true }, ""],
  ])("POST %j → 400 validation_failed at %s", async (json, field) => {
    const before = await appCount();
    const response = await api("POST", "/api/v1/apps", { json });
    expectError(response, 400, "validation_failed");
    if (field) expect(response.body.error.details.map((d: any) => d.path)).toContain(field);
    expect(await appCount()).toBe(before);
  });

  it.each(["[]", '"demo"', "null", "42"])("POST with the JSON value %s → 400", async (body) => {
    const response = await api("POST", "/api/v1/apps", { body, headers: { "Content-Type": "application/json" } });
    expectError(response, 400, "validation_failed");
  });

  it("malformed JSON → 400 malformed_json", async () => {
    const response = await api("POST", "/api/v1/apps", { body: '{"name":', headers: { "Content-Type": "application/json" } });
    expectError(response, 400, "malformed_json");
  });

  it("no body where one is needed → 400", async () => {
    const response = await api("POST", "/api/v1/apps", { headers: { "Content-Type": "application/json" } });
    expectError(response, 400, "malformed_json");
  });

  it("a body that is not JSON → 415", async () => {
    const response = await api("POST", "/api/v1/apps", { body: "name=demo", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expectError(response, 415, "unsupported_media_type");
    // A JSON media type the route's validator does not take is a 415 too, never a 500; nothing is created.
    const vendor = await api("POST", "/api/v1/apps", { body: JSON.stringify({ name: "vendor-json" }), headers: { "Content-Type": "application/vnd.acme.v2+json" } });
    expectError(vendor, 415, "unsupported_media_type");
    expect((await api("GET", "/api/v1/apps/vendor-json")).status).toBe(404);
  });

  it("a body over the limit → 413, whether or not it declares its length", async () => {
    const huge = JSON.stringify({ name: "x".repeat(1_100_000) });
    expectError(await api("POST", "/api/v1/apps", { body: huge, headers: { "Content-Type": "application/json" } }), 413, "payload_too_large");
    const stream = new Blob([huge]).stream();
    const chunked = await api("POST", "/api/v1/apps", { body: stream, headers: { "Content-Type": "application/json" } });
    expectError(chunked, 413, "payload_too_large");
  });

  it("a taken name → 409 app_exists; a taken room prefix → 409 room_prefix_taken", async () => {
    const name = uniqueAppName();
    await api("POST", "/api/v1/apps", { json: { name } });
    const before = await appCount();
    expectError(await api("POST", "/api/v1/apps", { json: { name } }), 409, "app_exists");
    expectError(await api("POST", "/api/v1/apps", { json: { name: uniqueAppName(), roomPrefix: name } }), 409, "room_prefix_taken");
    expect(await appCount()).toBe(before);

    const other = uniqueAppName();
    await api("POST", "/api/v1/apps", { json: { name: other } });
    expectError(await api("PATCH", `/api/v1/apps/${other}`, { json: { roomPrefix: name } }), 409, "room_prefix_taken");
    expect((await api("GET", `/api/v1/apps/${other}`)).body.data.livekitRoomPrefix).toBe(other);
  });

  it.each([
    [{}],
    [{ splitMinutes: 7 }],
    [{ snapshotSeconds: 5 }],
    [{ callbackUrl: "ftp://example.com" }],
    [{ callbackUrl: "not a url" }],
    [{ callbackSecret: "" }],
    [{ features: { teleport: true } }],
    [{ features: { chat: "yes" } }],
    [{ recordingEnabled: "true" }],
    [{ name: "renamed" }],
  ])("PATCH %j → 400, app unchanged", async (json) => {
    const name = uniqueAppName();
    const created = await api("POST", "/api/v1/apps", { json: { name } });
    expectError(await api("PATCH", `/api/v1/apps/${name}`, { json }), 400, "validation_failed");
    expect((await api("GET", `/api/v1/apps/${name}`)).body.data).toEqual(created.body.data);
  });

  it.each(["missing-app", "UPPER", "a", "x".repeat(200), "bad%00name", "bad%2Fname"])("unknown or impossible app %s → 404 on every method", async (name) => {
    expectError(await api("GET", `/api/v1/apps/${name}`), 404, "app_not_found");
    expectError(await api("PATCH", `/api/v1/apps/${name}`, { json: { displayName: "x" } }), 404, "app_not_found");
    expectError(await api("DELETE", `/api/v1/apps/${name}`), 404, "app_not_found");
  });

  it.each([
    ["GET", "/api/v1/apps?limit=0"],
    ["GET", "/api/v1/apps?limit=1001"],
    ["GET", "/api/v1/apps?limit=ten"],
    ["GET", "/api/v1/apps?offset=-1"],
  ])("%s %s → 400", async (method, path) => {
    expectError(await api(method, path), 400, "validation_failed");
  });

  it("deleteVods must be a boolean", async () => {
    const name = uniqueAppName();
    await api("POST", "/api/v1/apps", { json: { name } });
    expectError(await api("DELETE", `/api/v1/apps/${name}?deleteVods=maybe`), 400, "validation_failed");
    expect((await api("GET", `/api/v1/apps/${name}`)).status).toBe(200);
  });
});

describe("routing errors", () => {
  it("a path that climbs out of an app → 404, never another resource", async () => {
    const response = await api("DELETE", "/api/v1/apps/%2e%2e");
    expect(response.status).toBe(404);
    expect(response.body.data).toBeNull();
  });

  it("an unknown API route → 404 JSON", async () => {
    expectError(await api("GET", "/api/v1/nothing-here"), 404, "not_found");
    expectError(await api("POST", "/api/v2/apps", { json: {} }), 404, "not_found");
  });

  it("a known path with another method → 405 with Allow", async () => {
    const put = await api("PUT", "/api/v1/apps/demo", { json: {} });
    expectError(put, 405, "method_not_allowed");
    expect(put.headers.get("Allow")).toBe("GET, PATCH, DELETE, HEAD");
    const del = await api("DELETE", "/api/v1/apps");
    expectError(del, 405, "method_not_allowed");
    expect(del.headers.get("Allow")).toBe("GET, POST, HEAD");
    expectError(await api("POST", "/api/v1/health", { json: {} }), 405, "method_not_allowed");
  });

  it("keeps a caller's well-formed request id, and replaces a forged one", async () => {
    const kept = await api("GET", "/api/v1/health", { headers: { "X-Request-Id": "caddy-1234abcd" } });
    expect(kept.headers.get("X-Request-Id")).toBe("caddy-1234abcd");
    const replaced = await api("GET", "/api/v1/health", { headers: { "X-Request-Id": 'evil" <script>' } });
    expect(replaced.headers.get("X-Request-Id")).toMatch(/^req_/);
  });
});

describe("room prefixes never overlap", () => {
  it("refuses a prefix that extends or is extended by another app's", async () => {
    const base = uniqueAppName("pfx");
    expect((await api("POST", "/api/v1/apps", { json: { name: base } })).status).toBe(201);
    const extended = await api("POST", "/api/v1/apps", { json: { name: uniqueAppName(), roomPrefix: `${base}-prod` } });
    expect(extended.status).toBe(409);
    expect(extended.body.error.code).toBe("room_prefix_taken");
    const other = uniqueAppName("pfx");
    await api("POST", "/api/v1/apps", { json: { name: other } });
    expect((await api("PATCH", `/api/v1/apps/${other}`, { json: { roomPrefix: base.split("-")[0] } })).status).toBe(409);
  });
});
