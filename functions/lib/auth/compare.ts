import { utf8 } from "../../../core/crypto/encoding.ts";

/**
 * Constant-time equality of two strings of any length: both are hashed first,
 * so neither the contents nor the length leak through timing.
 */
export async function digestsEqual(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([crypto.subtle.digest("SHA-256", utf8(a)), crypto.subtle.digest("SHA-256", utf8(b))]);
  return crypto.subtle.timingSafeEqual(left, right);
}
