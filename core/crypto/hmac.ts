// HMAC-SHA256 keys imported once per isolate. Importing a key costs more than
// the signature it makes, and the same few keys (LiveKit's API secret, each
// webhook endpoint's secret) sign or verify on every hot request.

const KEYS_MAX = 1_000;
// Named by what importKey returns: Node's types (this file is also run by the node tools) have no global CryptoKey type.
export type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const keys = new Map<string, Promise<HmacKey>>();

/** The imported key for `id` (a name for the key material; it is imported from `material()` once). */
export function hmacKey(id: string, material: () => Uint8Array<ArrayBuffer>): Promise<HmacKey> {
  let key = keys.get(id);
  if (!key) {
    if (keys.size >= KEYS_MAX) keys.clear();
    key = crypto.subtle.importKey("raw", material(), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(id, key);
  }
  return key;
}
