import { jwtVerify, SignJWT } from "jose";
import { utf8 } from "../../../durable/crypto/encoding.ts";

// Dashboard session tokens: HS256 JWTs signed with STREAMHUB_JWT_SECRET. The
// `sid` (also the `jti`) names a revocable row in the Registry's sessions table.

const ISSUER = "streamhub";
const AUDIENCE = "streamhub-dashboard";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export async function signSessionJwt(secret: string, claims: { sub: string; sid: string; expiresAt: Date }): Promise<string> {
  return new SignJWT({ sid: claims.sid })
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
export async function verifySessionJwt(secret: string, token: string): Promise<{ sub: string; sid: string } | null> {
  try {
    const { payload } = await jwtVerify(token, utf8(secret), { algorithms: ["HS256"], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ["sub", "exp", "jti"] });
    const sid = payload.sid;
    if (typeof payload.sub !== "string" || typeof sid !== "string" || sid !== payload.jti) return null;
    return { sub: payload.sub, sid };
  } catch {
    return null;
  }
}
