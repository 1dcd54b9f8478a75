// Byte ↔ text encodings used for keys, tokens and sealed secrets. Works the
// same under workerd and Node (both have btoa/atob and TextEncoder).

export const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;

type WithToBase64 = Uint8Array & { toBase64(options: { alphabet: "base64url"; omitPadding: boolean }): string };

/**
 * base64url without padding: the runtime's own `Uint8Array.prototype.toBase64`
 * where it has one (workerd does; it is the cost of every token StreamHub
 * signs), else through btoa.
 */
export const toBase64Url: (bytes: Uint8Array) => string =
  typeof (Uint8Array.prototype as Partial<WithToBase64>).toBase64 === "function"
    ? (bytes) => (bytes as WithToBase64).toBase64({ alphabet: "base64url", omitPadding: true })
    : (bytes) => {
        let binary = "";
        for (const byte of bytes) binary += String.fromCharCode(byte);
        return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      };

/** Throws on anything that is not base64url, so tampered input never decodes to garbage silently. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export const randomBytes = (length: number): Uint8Array<ArrayBuffer> => crypto.getRandomValues(new Uint8Array(length));
