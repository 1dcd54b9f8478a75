import type { Context } from "hono";
import { API_TOKEN_PATTERN, hashApiToken } from "../../../core/crypto/api-token.ts";
import type { ApiTokenPrincipal, SessionPrincipal } from "../../../durable/registry/registry.ts";
import type { AppEnv } from "../context.ts";
import { registry } from "../../../core/actors.ts";
import { ApiError } from "../errors.ts";
import { ipInList } from "../../../core/net.ts";
import { clientIp } from "./ip.ts";
import { adminBinding, verifySessionJwt } from "./jwt.ts";
import type { TenantRole } from "./permissions.ts";

/** Who is calling (API.md `AuthContext`). */
export interface AuthContext {
  userId: string;
  tenantId: string | null;
  role: TenantRole | "superadmin" | "service" | null;
  isSuperadmin: boolean;
  scope: "global" | "app" | "user";
  via: "api_token" | "admin_jwt" | "user_jwt";
  email?: string;
  /** For app-scoped tokens: the one app they may act on. */
  appId?: number | null;
  appName?: string | null;
  tokenId?: string;
  sessionId?: string;
}

/**
 * Verified credentials are cached per isolate for a few seconds, so the
 * Registry sees one read per credential per window instead of one per
 * request. This bounds how long a revoked token or session keeps working:
 * at most CREDENTIAL_CACHE_MS.
 */
export const CREDENTIAL_CACHE_MS = 5_000;
const CACHE_MAX = 1_000;

class ShortCache<T> {
  readonly #entries = new Map<string, { value: T; until: number }>();
  /** Drops every entry `matches` picks (a revocation seen by this isolate takes effect at once). */
  forget(matches: (value: T) => boolean): void {
    for (const [key, entry] of this.#entries) if (matches(entry.value)) this.#entries.delete(key);
  }
  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.until > Date.now()) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }
  set(key: string, value: T): void {
    if (this.#entries.size >= CACHE_MAX) this.#entries.clear();
    this.#entries.set(key, { value, until: Date.now() + CREDENTIAL_CACHE_MS });
  }
}

const tokens = new ShortCache<ApiTokenPrincipal>();
const sessions = new ShortCache<SessionPrincipal>();

/** Called on revocation: this isolate stops honouring the credential now; others within CREDENTIAL_CACHE_MS. */
export const forgetTokens = (matches: (principal: ApiTokenPrincipal) => boolean) => tokens.forget(matches);
export const forgetSessions = (matches: (session: SessionPrincipal) => boolean) => sessions.forget(matches);

export const unauthorized = (message: string) =>
  new ApiError("unauthorized", message, { headers: { "WWW-Authenticate": 'Bearer realm="streamhub"' } });

// The SHA-256 of tokens seen in the last few seconds, so a busy client's token
// is hashed once per window rather than on every request. Plaintext tokens are
// kept only here, in this isolate's memory, and never longer than CREDENTIAL_CACHE_MS.
const hashes = new ShortCache<string>();

async function fromApiToken(c: Context<AppEnv>, token: string): Promise<AuthContext> {
  let tokenHash = hashes.get(token);
  if (!tokenHash) {
    tokenHash = await hashApiToken(token);
    hashes.set(token, tokenHash);
  }
  let principal = tokens.get(tokenHash);
  if (!principal) {
    principal = (await registry(c.env).resolveApiToken(tokenHash)) ?? undefined;
    if (!principal) throw unauthorized("the bearer token is unknown or revoked");
    tokens.set(tokenHash, principal);
  }
  if (principal.allowedIps.length > 0) {
    const ip = clientIp(c, c.get("config"));
    // Same answer as an unknown token: a stolen token must not learn it is real.
    if (!ip || !ipInList(ip, principal.allowedIps)) throw unauthorized("the bearer token is unknown or revoked");
  }
  const global = principal.scope === "global";
  return {
    userId: `token:${principal.tokenId}`,
    tenantId: principal.tenantId,
    role: global ? "superadmin" : "service",
    isSuperadmin: global,
    scope: principal.scope,
    via: "api_token",
    appId: principal.appId,
    appName: principal.appName,
    tokenId: principal.tokenId,
  };
}

async function fromSessionJwt(c: Context<AppEnv>, token: string): Promise<AuthContext> {
  const secret = c.get("config").STREAMHUB_JWT_SECRET;
  const claims = secret ? await verifySessionJwt(secret, token) : null;
  if (!claims) throw unauthorized("the bearer token is not a valid StreamHub token");

  let principal = sessions.get(claims.sid);
  if (!principal) {
    principal = (await registry(c.env).resolveSession(claims.sid)) ?? undefined;
    if (!principal) throw unauthorized("the session has ended; log in again");
    sessions.set(claims.sid, principal);
  }
  const { user, session } = principal;
  if (user.id !== claims.sub) throw unauthorized("the bearer token is not a valid StreamHub token");
  if (user.id === "admin") {
    // The break-glass account exists only while ADMIN_USER/ADMIN_PASS are set, and its sessions only while they are unchanged.
    const { ADMIN_USER, ADMIN_PASS } = c.get("config");
    if (!ADMIN_USER || !ADMIN_PASS || claims.adminBinding !== (await adminBinding(ADMIN_USER, ADMIN_PASS))) {
      throw unauthorized("the session has ended; log in again");
    }
    return { userId: "admin", tenantId: "platform", role: "superadmin", isSuperadmin: true, scope: "global", via: "admin_jwt", sessionId: session.id };
  }
  return {
    userId: user.id,
    tenantId: user.tenantId,
    role: user.isSuperadmin ? "superadmin" : user.role,
    isSuperadmin: user.isSuperadmin,
    scope: user.isSuperadmin ? "global" : "user",
    via: user.isSuperadmin ? "admin_jwt" : "user_jwt",
    email: user.email,
    sessionId: session.id,
  };
}

/** The caller behind `Authorization: Bearer …` — an `sk_` API token or a dashboard JWT — or a 401. */
export async function authenticate(c: Context<AppEnv>): Promise<AuthContext> {
  const header = c.req.header("Authorization");
  if (!header) throw unauthorized("missing Authorization: Bearer <token>");
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthorized("Authorization must be: Bearer <token>");
  const credential = match[1]!;
  if (credential.startsWith("sk_")) {
    if (!API_TOKEN_PATTERN.test(credential)) throw unauthorized("the bearer token is not a valid StreamHub token");
    return fromApiToken(c, credential);
  }
  return fromSessionJwt(c, credential);
}
