import type { MiddlewareHandler } from "hono";
import { API_TOKEN_PATTERN, hashApiToken } from "../../../durable/crypto/api-token.ts";
import type { ApiTokenPrincipal } from "../../../durable/registry/registry.ts";
import { registry } from "../../lib/actors.ts";
import { ApiError } from "../../lib/errors.ts";

/** Who is calling (API.md `AuthContext`). */
export interface AuthContext {
  userId: string;
  tenantId: string | null;
  role: "service";
  isSuperadmin: boolean;
  scope: "global" | "app";
  via: "api_token";
  appId: number | null;
}

declare module "hono" {
  interface ContextVariableMap {
    auth: AuthContext;
  }
}

/**
 * A `resource:action` permission (API.md §0). Routes declare theirs; the
 * permission table that maps roles to these arrives with tenants and users.
 */
export type Permission = `${"app" | "config"}:${"read" | "create" | "write" | "delete"}`;

/**
 * Verified tokens are cached per isolate for a few seconds, so the Registry
 * sees one read per token per window instead of one per request. This bounds
 * how long a revoked token keeps working: at most TOKEN_CACHE_MS.
 */
export const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_MAX = 1_000;
const verified = new Map<string, { principal: ApiTokenPrincipal; until: number }>();

async function resolveToken(env: Env, token: string): Promise<ApiTokenPrincipal | null> {
  const tokenHash = await hashApiToken(token);
  const now = Date.now();
  const cached = verified.get(tokenHash);
  if (cached && cached.until > now) return cached.principal;

  const principal = await registry(env).resolveApiToken(tokenHash);
  if (!principal) {
    verified.delete(tokenHash);
    return null;
  }
  if (verified.size >= TOKEN_CACHE_MAX) verified.clear();
  verified.set(tokenHash, { principal, until: now + TOKEN_CACHE_MS });
  return principal;
}

const unauthorized = (message: string) =>
  new ApiError(401, "unauthorized", message, { headers: { "WWW-Authenticate": 'Bearer realm="streamhub"' } });

/**
 * Authenticates the bearer credential and checks that it carries
 * `permission`. Today every credential is a global `sk_` token, which may do
 * everything; roles and app-scoped tokens plug in here.
 */
export const authorize = (permission: Permission): MiddlewareHandler<{ Bindings: Env }> =>
  async function authorize(c, next) {
    const header = c.req.header("Authorization");
    if (!header) throw unauthorized("missing Authorization: Bearer <token>");
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized("Authorization must be: Bearer <token>");
    const token = match[1]!;
    if (!API_TOKEN_PATTERN.test(token)) throw unauthorized("the bearer token is not a valid StreamHub token");

    const principal = await resolveToken(c.env, token);
    if (!principal) throw unauthorized("the bearer token is unknown or revoked");

    const auth: AuthContext = {
      userId: `token:${principal.tokenId}`,
      tenantId: principal.tenantId,
      role: "service",
      isSuperadmin: principal.scope === "global",
      scope: principal.scope,
      via: "api_token",
      appId: principal.appId,
    };
    if (!auth.isSuperadmin) {
      throw new ApiError(403, "forbidden", `this token may not ${permission}`);
    }
    c.set("auth", auth);
    await next();
  };
