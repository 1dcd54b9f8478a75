import { fromBase64Url, fromUtf8, randomBytes, toBase64Url, utf8 } from "./encoding.ts";

// Secrets at rest (S3 credentials, webhook secrets, RTMP passwords): AES-256-GCM
// under a key derived with HKDF-SHA256 from STREAMHUB_SECRET_KEY. Every sealed
// value is bound to a context string (e.g. "app:demo/secret:callback") as
// additional authenticated data, so a ciphertext copied into another row or
// another app does not decrypt.

const VERSION = "v1";

/** The derived AES-GCM key (spelled this way so Node and workerd type it alike). */
export type SecretBoxKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const IV_BYTES = 12;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

const derivedKeys = new Map<string, Promise<SecretBoxKey>>();

/** The AES-GCM key for a given STREAMHUB_SECRET_KEY; derived once per isolate. */
export function secretBoxKey(secretKey: string): Promise<SecretBoxKey> {
  let key = derivedKeys.get(secretKey);
  if (!key) {
    key = deriveKey(secretKey);
    derivedKeys.set(secretKey, key);
  }
  return key;
}

async function deriveKey(secretKey: string): Promise<SecretBoxKey> {
  const material = await crypto.subtle.importKey("raw", utf8(secretKey), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: utf8("streamhub/secret-box"), info: utf8(`aes-256-gcm/${VERSION}`) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Encrypts `plaintext` for storage: `v1.<iv>.<ciphertext+tag>`, both base64url. */
export async function sealSecret(key: SecretBoxKey, plaintext: string, context: string): Promise<string> {
  const iv = randomBytes(IV_BYTES);
  const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8(context) }, key, utf8(plaintext));
  return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ciphertext))}`;
}

/** Decrypts a value from `sealSecret`; throws SecretBoxError if it was altered, moved or sealed under another key. */
export async function openSecret(key: SecretBoxKey, sealed: string, context: string): Promise<string> {
  const [version, ivText, ciphertextText, ...rest] = sealed.split(".");
  if (version !== VERSION || ivText === undefined || ciphertextText === undefined || rest.length > 0) {
    throw new SecretBoxError("sealed secret has an unknown format");
  }
  try {
    const iv = fromBase64Url(ivText);
    if (iv.length !== IV_BYTES) throw new Error("bad iv");
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: utf8(context) },
      key,
      fromBase64Url(ciphertextText),
    );
    return fromUtf8(plaintext);
  } catch {
    throw new SecretBoxError("sealed secret cannot be opened: wrong key, wrong context, or altered");
  }
}

/**
 * How secrets are shown back to callers: `ab***yz`, or `****` under 16
 * characters, where four shown characters would give away too much of it
 * (legacy callback secrets of any length are accepted, and masks are shown to
 * every reader of the app).
 */
const MASK_MIN_LENGTH = 16;
export const maskSecret = (value: string): string => (value.length < MASK_MIN_LENGTH ? "****" : `${value.slice(0, 2)}***${value.slice(-2)}`);
