import { jwtVerify, SignJWT } from "jose";
import { utf8 } from "../../../core/crypto/encoding.ts";

// Dashboard session tokens: HS256 JWTs signed with STREAMHUB_JWT_SECRET. The
// `sid` (also the `jti`) names a revocable row in the Registry's sessions table.

const ISSUER = "streamhub";
const AUDIENCE = "streamhub-dashboard";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export async function signSessionJwt(secret: string, claims: { sub: string; sid: string; expiresAt: Date; adminBinding?: string }): Promise<string> {
  return new SignJWT(claims.adminBinding ? { sid: claims.sid, adm: claims.adminBinding } : { sid: claims.sid })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setJti(claims.sid)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
    .sign(utf8(secret));
}

/** The subject and session of a valid token; null for a bad signature, algorithm, issuer, audience or expiry. */
export async function verifySessionJwt(secret: string, token: string): Promise<{ sub: string; sid: string; adminBinding: string | null } | null> {
  try {
    const { payload } = await jwtVerify(token, utf8(secret), { algorithms: ["HS256"], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ["sub", "exp", "jti"] });
    const sid = payload.sid;
    if (typeof payload.sub !== "string" || typeof sid !== "string" || sid !== payload.jti) return null;
    return { sub: payload.sub, sid, adminBinding: typeof payload.adm === "string" ? payload.adm : null };
  } catch {
    return null;
  }
}

/**
 * Ties a break-glass session to the ADMIN_USER / ADMIN_PASS it was opened
 * with: changing either ends every admin session at once.
 */
export async function adminBinding(user: string, password: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(`streamhub-admin\n${user}\n${password}`)));
  return Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}
