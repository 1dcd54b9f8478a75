import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../../lib/context.ts";

/**
 * Browsers may mint join tokens cross-origin (the streamhub-adaptor SDK posts
 * with Content-Type and Authorization) only from the origins listed in
 * CORS_ALLOWED_ORIGINS; with none listed, no origin is allowed (opt-in).
 */
export const tokenCors = (): MiddlewareHandler<AppEnv> => {
  const handler = cors({
    origin: (origin, c) => (c.get("config").CORS_ALLOWED_ORIGINS.includes(origin) ? origin : null),
    allowMethods: ["POST"],
    allowHeaders: ["Content-Type", "Authorization"],
    maxAge: 600,
  });
  // Not async: servers and the SDK's backends send no Origin, and nothing of CORS applies to
  // them; their mints pass straight through, without a layer of their own.
  return function tokenCors(c, next) {
    return c.req.header("Origin") === undefined ? next() : handler(c, next);
  };
};
