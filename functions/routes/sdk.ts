import { Hono } from "hono";
import { contentTypeFor } from "../lib/content-types.ts";
import { errorBody } from "../lib/envelope.ts";
import { ERRORS } from "../lib/errors.ts";
import type { AppEnv } from "../lib/context.ts";

/**
 * /sdk/…: the browser SDK and the player (built by selfhost/build-sdk.ts into
 * the assets), for pages on any origin: CORS `*`, cached five minutes (API.md
 * §3) — short, because the file names do not change between releases. Code
 * chunks carry a content hash in their names and are cached for good.
 */
export const sdkApi = new Hono<AppEnv>();

sdkApi.get("/*", async (c) => {
  const response = await c.env.ASSETS.fetch(c.req.raw);
  c.header("Access-Control-Allow-Origin", "*");
  if (!response.ok) return c.json(errorBody("not_found", `no SDK file ${c.req.path}`, c.get("requestId")), ERRORS.not_found.status);
  const headers = new Headers(response.headers);
  headers.set("Access-Control-Allow-Origin", "*");
  headers.set("Cache-Control", c.req.path.includes("/chunks/") ? "public, max-age=31536000, immutable" : "public, max-age=300");
  headers.set("Content-Type", contentTypeFor(c.req.path) ?? "application/octet-stream");
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(response.body, { status: response.status, headers });
});
