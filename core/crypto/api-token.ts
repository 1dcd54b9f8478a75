import { randomBytes, toBase64Url, toHex, utf8 } from "./encoding.ts";

// API tokens: `sk_` + base64url(32 random bytes). Only the SHA-256 is stored;
// the plaintext is shown once. A lookup goes by hash, so the database never
// sees a token; the Registry compares digests in constant time.

export const API_TOKEN_PATTERN = /^sk_[A-Za-z0-9_-]{32,128}$/;

export const generateApiToken = (): string => `sk_${toBase64Url(randomBytes(32))}`;

export async function hashApiToken(token: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(token))));
}
