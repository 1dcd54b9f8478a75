import { utf8 } from "../../../core/crypto/encoding.ts";
import { hmacKey } from "../../../core/crypto/hmac.ts";
import { signJwt, verifyJwt } from "../../../core/crypto/jwt.ts";

// Dashboard session tokens: HS256 JWTs signed with STREAMHUB_JWT_SECRET. The
// `sid` (also the `jti`) names a revocable row in the Registry's sessions table.

const ISSUER = "streamhub";
const AUDIENCE = "streamhub-dashboard";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const sessionKey = (secret: string) => hmacKey(`session:${secret}`, () => utf8(secret));

export function signSessionJwt(secret: string, claims: { sub: string; sid: string; expiresAt: Date; adminBinding?: string }): Promise<string> {
  return signJwt(sessionKey(secret), {
    sid: claims.sid,
    ...(claims.adminBinding ? { adm: claims.adminBinding } : {}),
    sub: claims.sub,
    jti: claims.sid,
    iss: ISSUER,
    aud: AUDIENCE,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(claims.expiresAt.getTime() / 1000),
  });
}

/** The subject and session of a valid token; null for a bad signature, algorithm, issuer, audience or expiry. */
export async function verifySessionJwt(secret: string, token: string): Promise<{ sub: string; sid: string; adminBinding: string | null } | null> {
  const payload = await verifyJwt(sessionKey(secret), token, { issuer: ISSUER, audience: AUDIENCE, required: ["sub", "exp", "jti"] });
  if (!payload) return null;
  const sid = payload.sid;
  if (typeof payload.sub !== "string" || typeof sid !== "string" || sid !== payload.jti) return null;
  return { sub: payload.sub, sid, adminBinding: typeof payload.adm === "string" ? payload.adm : null };
}

/**
 * Ties a break-glass session to the ADMIN_USER / ADMIN_PASS it was opened
 * with: changing either ends every admin session at once.
 */
export async function adminBinding(user: string, password: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(`streamhub-admin\n${user}\n${password}`)));
  return Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}
