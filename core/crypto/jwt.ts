// HS256 JSON Web Tokens (RFC 7519 over a compact JWS, RFC 7515): the one kind
// StreamHub signs and reads — LiveKit's access tokens and webhook signatures
// (keyed with the LiveKit API secret) and the dashboard's session tokens (keyed
// with STREAMHUB_JWT_SECRET).
//
// Written out rather than taken from a general JOSE library: every LiveKit
// webhook is verified here, and a general library's decoding and option
// handling made about a sixth of what a webhook allocated — all of it garbage
// the collector pauses for under a burst — and its modules were compiled and
// evaluated at every start. What a general library would accept beyond HS256
// (other algorithms, `crit` extensions, unencoded payloads) is refused here.
// The tests check tokens both ways against `jose`.

import { fromBase64Url, fromStrictUtf8, toBase64Url, utf8 } from "./encoding.ts";
import type { HmacKey } from "./hmac.ts";

export type JwtClaims = Record<string, unknown>;

/** What a token must satisfy besides its signature. Times are checked against `now` with `clockToleranceS` either way. */
export interface JwtChecks {
  /** `iss` must equal this. */
  issuer?: string;
  /** `aud` must equal this, or be a list holding it. */
  audience?: string;
  /** Claims that must be present (`exp`, when listed, must also be a number). */
  required?: readonly string[];
  clockToleranceS?: number;
  /** Seconds since the epoch; the clock by default. */
  now?: number;
}

/** `{"alg":"HS256","typ":"JWT"}`, the header StreamHub writes. */
const HEADER = toBase64Url(utf8(JSON.stringify({ alg: "HS256", typ: "JWT" })));
const TIME_CLAIMS = ["exp", "nbf", "iat"] as const;
/** HMAC-SHA256's length: a signature of any other length, or not in canonical base64url, is refused. */
const SIGNATURE_BYTES = 32;

/** A compact HS256 JWS of `claims`. `header` is the encoded protected header (LiveKit's SDK writes `{"alg":"HS256"}`). */
export async function signJwt(key: Promise<HmacKey> | HmacKey, claims: object, header: string = HEADER): Promise<string> {
  // A time that is not a finite number would be written as null: a token no one could use, made silently.
  for (const name of TIME_CLAIMS) {
    const value = (claims as Record<string, unknown>)[name];
    if (value !== undefined && !Number.isFinite(value)) throw new TypeError(`JWT claim "${name}" must be a finite number`);
  }
  const signingInput = `${header}.${toBase64Url(utf8(JSON.stringify(claims)))}`;
  const signature = await crypto.subtle.sign("HMAC", await key, utf8(signingInput));
  return `${signingInput}.${toBase64Url(new Uint8Array(signature))}`;
}

/** The decoded JSON object of one base64url part, or null. */
function jsonPart(part: string): JwtClaims | null {
  try {
    const value: unknown = JSON.parse(fromStrictUtf8(fromBase64Url(part)));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JwtClaims) : null;
  } catch {
    return null;
  }
}

/**
 * The claims of `token` when it is an HS256 JWT signed with `key` that passes
 * `checks`; null for anything else — never an exception, so that no caller
 * can tell one refusal from another.
 */
export async function verifyJwt(key: Promise<HmacKey> | HmacKey, token: string, checks: JwtChecks = {}): Promise<JwtClaims | null> {
  if (typeof token !== "string") return null;
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  // Three non-empty parts; a fourth would be inside the signature, which base64url refuses.
  if (first <= 0 || second <= first + 1 || second === token.length - 1) return null;

  const header = jsonPart(token.slice(0, first));
  // HS256 only, chosen here and never by the token; no extensions this code would have to understand.
  if (!header || header.alg !== "HS256" || header.crit !== undefined || (header.b64 !== undefined && header.b64 !== true)) return null;

  try {
    const encoded = token.slice(second + 1);
    const signature = fromBase64Url(encoded);
    // One spelling per signature: base64url's unused trailing bits would otherwise give each one four.
    if (signature.length !== SIGNATURE_BYTES || toBase64Url(signature) !== encoded) return null;
    // WebCrypto's verify compares in constant time.
    if (!(await crypto.subtle.verify("HMAC", await key, signature, utf8(token.slice(0, second))))) return null;
  } catch {
    return null;
  }

  const claims = jsonPart(token.slice(first + 1, second));
  return claims && satisfies(claims, checks) ? claims : null;
}

/** The registered claims' rules (RFC 7519 §4.1), as general JWT libraries apply them. */
function satisfies(claims: JwtClaims, checks: JwtChecks): boolean {
  const now = checks.now ?? Math.floor(Date.now() / 1000);
  const tolerance = checks.clockToleranceS ?? 0;
  for (const name of checks.required ?? []) if (!Object.hasOwn(claims, name)) return false;
  // Time claims, where present, are numbers: a string "exp" is not "no expiry".
  for (const name of TIME_CLAIMS) if (claims[name] !== undefined && typeof claims[name] !== "number") return false;
  if (typeof claims.exp === "number" && claims.exp <= now - tolerance) return false;
  if (typeof claims.nbf === "number" && claims.nbf > now + tolerance) return false;
  if (checks.issuer !== undefined && claims.iss !== checks.issuer) return false;
  if (checks.audience !== undefined) {
    const audience = claims.aud;
    if (!(audience === checks.audience || (Array.isArray(audience) && audience.includes(checks.audience)))) return false;
  }
  return true;
}
