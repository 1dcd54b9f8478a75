import { fromBase64Url, randomBytes, toBase64, toHex, utf8 } from "../../core/crypto/encoding.ts";
import { hmacKey } from "../../core/crypto/hmac.ts";

// Outbound webhook signatures: Standard Webhooks (`webhook-signature: v1,<base64
// HMAC-SHA256 of "id.timestamp.body">`), plus the original StreamHub's
// `X-StreamHub-Signature: sha256=<hex HMAC-SHA256 of the body>` for receivers
// written against it.

/** `whsec_` + base64 of 32 random bytes, as Standard Webhooks libraries expect. */
export const generateWebhookSecret = () => `whsec_${toBase64(randomBytes(32))}`;

/** The HMAC key of a secret: the decoded bytes after `whsec_`, or a legacy secret's UTF-8 bytes. */
function keyBytes(secret: string): Uint8Array<ArrayBuffer> {
  if (secret.startsWith("whsec_")) {
    const base64 = secret.slice(6);
    try {
      return fromBase64Url(base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
    } catch {
      return utf8(secret);
    }
  }
  return utf8(secret);
}

async function hmac(key: Promise<CryptoKey>, message: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await key, utf8(message)));
}


/** `v1,<sig>` for each secret (newest first), space-separated: receivers accept any one that verifies. */
export async function standardSignature(secrets: string[], messageId: string, timestamp: number, body: string): Promise<string> {
  const signatures = [];
  for (const secret of secrets) signatures.push(`v1,${toBase64(await hmac(hmacKey(`v1:${secret}`, () => keyBytes(secret)), `${messageId}.${timestamp}.${body}`))}`);
  return signatures.join(" ");
}

/** The original's header: HMAC-SHA256 keyed with the full secret string, over the body alone. */
export async function legacySignature(secret: string, body: string): Promise<string> {
  return `sha256=${toHex(await hmac(hmacKey(`legacy:${secret}`, () => utf8(secret)), body))}`;
}
