import { Hono } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import { describe, expect, it } from "vitest";
import { CachedTrieRouter, REMEMBERED_PATHS, REMEMBERED_PATH_MAX_LENGTH } from "./cached-router.ts";

const ROUTES: [string, string][] = [
  ["ALL", "*"],
  ["ALL", "/api/*"],
  ["GET", "/api/v1/health"],
  ["GET", "/api/v1/apps"],
  ["POST", "/api/v1/apps"],
  ["GET", "/api/v1/apps/:app"],
  ["POST", "/api/v1/apps/:app/tokens"],
  ["GET", "/api/v1/apps/:app/play-token/:room"],
  ["GET", "/hls/:app/:room/:file{.+\\.(m3u8|ts)}"],
  ["GET", "/*"],
];

/** The same table in both routers; each handler is its route's name. */
function routers() {
  const cached = new CachedTrieRouter<string>();
  const trie = new TrieRouter<string>();
  for (const [method, path] of ROUTES) {
    cached.add(method, path, `${method} ${path}`);
    trie.add(method, path, `${method} ${path}`);
  }
  return { cached, trie };
}

const PATHS = ["/", "/api/v1/health", "/api/v1/apps", "/api/v1/apps/demo", "/api/v1/apps/demo/tokens", "/api/v1/apps/demo/play-token/lobby", "/hls/demo/lobby/index.m3u8", "/hls/demo/lobby/x.mp4", "/nowhere/at/all"];

describe("the route table's cached router", () => {
  it("answers every method and path as the trie does: walked the first two times, from memory after", () => {
    const { cached, trie } = routers();
    for (const method of ["GET", "POST", "DELETE", "PURGE"]) {
      for (const path of PATHS) {
        const expected = trie.match(method, path);
        for (const time of ["first", "second", "third", "fourth"]) expect(cached.match(method, path), `${method} ${path}, ${time} time`).toEqual(expected);
      }
    }
  });

  it("answers a repeated lookup from memory, without walking the trie, from its second time on", () => {
    const { cached } = routers();
    const first = cached.match("GET", "/api/v1/apps/demo/play-token/lobby");
    const second = cached.match("GET", "/api/v1/apps/demo/play-token/lobby");
    // A path seen once is not remembered; the second lookup is.
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(cached.match("GET", "/api/v1/apps/demo/play-token/lobby")).toBe(second);
    expect(cached.match("GET", "/api/v1/apps/demo/play-token/lobby")).toBe(second);
    // Parameters are the path's own, not another path's answer, once both are remembered.
    cached.match("GET", "/api/v1/apps/other/play-token/hall");
    const other = cached.match("GET", "/api/v1/apps/other/play-token/hall");
    expect(cached.match("GET", "/api/v1/apps/other/play-token/hall")).toBe(other);
    expect(other).not.toBe(second);
    expect(JSON.stringify(other)).toContain("hall");
    expect(JSON.stringify(cached.match("GET", "/api/v1/apps/demo/play-token/lobby"))).toContain("lobby");
  });

  it("forgets what it remembered when a route is added", () => {
    const { cached } = routers();
    cached.match("GET", "/api/v1/cluster");
    const before = cached.match("GET", "/api/v1/cluster");
    // Remembered (the second lookup), and without the route to come.
    expect(cached.match("GET", "/api/v1/cluster")).toBe(before);
    expect(before[0].map(([name]) => name)).not.toContain("GET /api/v1/cluster");
    cached.add("GET", "/api/v1/cluster", "GET /api/v1/cluster");
    expect(cached.match("GET", "/api/v1/cluster")[0].map(([name]) => name)).toContain("GET /api/v1/cluster");
  });

  it("does not remember long paths, other methods, or more paths than its bound", () => {
    const { cached } = routers();
    // Looked up twice first, which would remember them were they remembered at all.
    const long = `/api/v1/apps/${"a".repeat(REMEMBERED_PATH_MAX_LENGTH)}`;
    cached.match("GET", long);
    expect(cached.match("GET", long)).not.toBe(cached.match("GET", long));
    cached.match("PURGE", "/");
    expect(cached.match("PURGE", "/")).not.toBe(cached.match("PURGE", "/"));

    // Each segment fetched twice, as by two viewers: remembered from the second time.
    const twice = (path: string) => (cached.match("GET", path), cached.match("GET", path));
    const oldest = twice("/hls/demo/lobby/0.ts");
    for (let n = 1; n <= REMEMBERED_PATHS; n++) twice(`/hls/demo/lobby/${n}.ts`);
    // The oldest was forgotten to make room; the newest is still there.
    expect(cached.match("GET", "/hls/demo/lobby/0.ts")).not.toBe(oldest);
    const newest = cached.match("GET", `/hls/demo/lobby/${REMEMBERED_PATHS}.ts`);
    expect(cached.match("GET", `/hls/demo/lobby/${REMEMBERED_PATHS}.ts`)).toBe(newest);
  });

  it("keeps the paths that repeat through a flood of paths seen once", () => {
    const { cached } = routers();
    cached.match("POST", "/api/v1/apps/demo/tokens");
    const remembered = cached.match("POST", "/api/v1/apps/demo/tokens");
    // A scanner's worth of one-off paths, more than the cache holds.
    for (let n = 0; n < REMEMBERED_PATHS * 3; n++) cached.match("POST", `/wp-login-${n}.php`);
    expect(cached.match("POST", "/api/v1/apps/demo/tokens")).toBe(remembered);
  });

  it("routes a Hono app's requests with their parameters", async () => {
    const app = new Hono({ router: new CachedTrieRouter() });
    app.get("/apps/:app/rooms/:room", (c) => c.json(c.req.param()));
    for (const [app_, room] of [["a", "one"], ["b", "two"], ["a", "one"]]) {
      const response = await app.request(`/apps/${app_}/rooms/${room}`);
      expect(await response.json()).toEqual({ app: app_, room });
    }
  });
});
