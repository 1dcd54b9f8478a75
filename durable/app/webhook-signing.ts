import { fromBase64Url, randomBytes, toHex, utf8 } from "../../core/crypto/encoding.ts";

// Outbound webhook signatures: Standard Webhooks (`webhook-signature: v1,<base64
// HMAC-SHA256 of "id.timestamp.body">`), plus the original StreamHub's
// `X-StreamHub-Signature: sha256=<hex HMAC-SHA256 of the body>` for receivers
// written against it.

/** `whsec_` + base64 of 32 random bytes, as Standard Webhooks libraries expect. */
export const generateWebhookSecret = () => `whsec_${btoa(String.fromCharCode(...randomBytes(32)))}`;

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

async function hmac(key: Uint8Array<ArrayBuffer>, message: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, utf8(message)));
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** `v1,<sig>` for each secret (newest first), space-separated: receivers accept any one that verifies. */
export async function standardSignature(secrets: string[], messageId: string, timestamp: number, body: string): Promise<string> {
  const signatures = [];
  for (const secret of secrets) signatures.push(`v1,${base64(await hmac(keyBytes(secret), `${messageId}.${timestamp}.${body}`))}`);
  return signatures.join(" ");
}

/** The original's header: HMAC-SHA256 keyed with the full secret string, over the body alone. */
export async function legacySignature(secret: string, body: string): Promise<string> {
  return `sha256=${toHex(await hmac(utf8(secret), body))}`;
}
