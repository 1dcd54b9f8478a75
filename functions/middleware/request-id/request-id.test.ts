import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { newRequestId, requestId } from "./index.ts";

const ID = /^req_[A-Za-z0-9_-]{16}$/;

describe("request ids", () => {
  it("are 12 random bytes in base64url, none repeated across refills of the random pool", () => {
    const ids = Array.from({ length: 2_000 }, newRequestId);
    for (const id of ids) expect(id).toMatch(ID);
    expect(new Set(ids).size).toBe(ids.length);
    // Random, not a counter: ids made in a row differ in many places.
    const differing = [...ids[0]!].filter((char, i) => char !== ids[1]![i]).length;
    expect(differing).toBeGreaterThan(8);
    // Each from bytes of its own: no two share a run of 8 characters (48 random bits), as ids cut
    // from overlapping stretches of the random pool would.
    const runs = new Set<string>();
    for (const id of ids) for (let at = 4; at + 8 <= id.length; at++) runs.add(id.slice(at, at + 8));
    expect(runs.size).toBe(ids.length * 9);
  });

  it("echoes an id the caller or the proxy passed, and replaces one that could forge a log line", async () => {
    const app = new Hono();
    app.use("*", requestId());
    app.get("/", (c) => c.text(c.get("requestId")));
    app.get("/own", () => new Response("own"));
    app.get("/immutable", () => Response.redirect("http://example.com/", 302));

    const passed = await app.request("/", { headers: { "X-Request-Id": "caddy-0123456789" } });
    expect(passed.headers.get("X-Request-Id")).toBe("caddy-0123456789");
    expect(await passed.text()).toBe("caddy-0123456789");

    const forged = await app.request("/", { headers: { "X-Request-Id": 'x" level="error' } });
    expect(forged.headers.get("X-Request-Id")).toMatch(ID);

    // A handler's own Response gets the header too, and so does one whose headers are immutable.
    expect((await app.request("/own")).headers.get("X-Request-Id")).toMatch(ID);
    const immutable = Response.redirect("http://example.com/", 302);
    expect(() => immutable.headers.set("X-Test", "1")).toThrow(TypeError);
    const redirected = await app.request("/immutable");
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get("Location")).toBe("http://example.com/");
    expect(redirected.headers.get("X-Request-Id")).toMatch(ID);
  });
});
