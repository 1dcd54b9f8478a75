import { Hono } from "hono";
import { contentTypeFor } from "../lib/content-types.ts";
import type { AppEnv } from "../lib/context.ts";

/**
 * Everything outside the API is the dashboard: static files from `ASSETS`
 * (Workers assets under wrangler, a `disk` service under plain workerd), with
 * the SPA's index.html for client-side routes. API paths never fall through here.
 */
export const assetsApi = new Hono<AppEnv>();

assetsApi.get("*", async (c, next) => {
  const path = c.req.path;
  if (path.startsWith("/api/") || path === "/api") return next();
  // A file is served as it is; anything else — "/", a folder (which workerd's disk service would
  // answer with a JSON listing of its files), a client-side route — gets the app shell.
  if (/\.[a-z0-9]+$/i.test(path)) return withContentType(await c.env.ASSETS.fetch(c.req.raw), path);
  const shell = await c.env.ASSETS.fetch(new Request(new URL("/index.html", c.req.url)));
  return shell.status === 404 ? next() : withContentType(shell, "/index.html");
});

function withContentType(response: Response, path: string): Response {
  const type = contentTypeFor(path);
  if (!response.ok || !type) return response;
  const headers = new Headers(response.headers);
  headers.set("Content-Type", type);
  return new Response(response.body, { status: response.status, headers });
}
