import { fromBase64Url, randomBytes, toBase64Url, utf8 } from "./encoding.ts";

// Password hashes (users, RTMP stream passwords): PBKDF2-SHA256 with Web Crypto,
// stored as `pbkdf2-sha256$<iterations>$<salt>$<hash>` (API.md). 100 000 is the
// most iterations Cloudflare's workerd accepts, and the same bundle must run
// there; the count is stored with each hash, so it can rise later.

export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", utf8(password), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

/**
 * True when `password` matches `stored`. A malformed or missing hash never
 * matches, but still costs one derivation, so timing does not tell an unknown
 * user from a wrong password.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? "").split("$");
  const iterations = Number(parts[1]);
  let salt: Uint8Array<ArrayBuffer>;
  let expected: Uint8Array<ArrayBuffer>;
  try {
    if (parts.length !== 4 || parts[0] !== "pbkdf2-sha256" || !Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) {
      throw new Error("malformed");
    }
    salt = fromBase64Url(parts[2]!);
    expected = fromBase64Url(parts[3]!);
  } catch {
    await derive(password, randomBytes(SALT_BYTES), PBKDF2_ITERATIONS);
    return false;
  }
  const actual = await derive(password, salt, iterations);
  return actual.length === expected.length && crypto.subtle.timingSafeEqual(actual, expected);
}
