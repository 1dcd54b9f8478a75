// Byte ↔ text encodings used for keys, tokens and sealed secrets. Works the
// same under workerd and Node (both have btoa/atob and TextEncoder).

// One of each per isolate: under workerd each `new TextEncoder()` is a runtime object the
// garbage collector must later finalize, and these run several times per token and webhook.
const encoder = new TextEncoder();
const decoder = new TextDecoder();
// Strict, as JSON requires: bytes that are not UTF-8 are an error, not replacement characters.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text) as Uint8Array<ArrayBuffer>;

/** UTF-8 bytes as text, malformed sequences replaced (U+FFFD). */
export const fromUtf8 = (bytes: ArrayBuffer | Uint8Array): string => decoder.decode(bytes);

/** UTF-8 bytes as text; throws a TypeError on a malformed sequence. */
export const fromStrictUtf8 = (bytes: ArrayBuffer | Uint8Array): string => strictDecoder.decode(bytes);

// The runtime's own encoders (`Uint8Array.prototype.toBase64` / `toHex`) where it
// has them — workerd does, and they are the cost of every token and signature
// StreamHub makes — else plain JavaScript (Node 20/22 for the tools).
type WithEncoders = Uint8Array & { toBase64(options?: { alphabet?: "base64" | "base64url"; omitPadding?: boolean }): string; toHex(): string };
const native = Uint8Array.prototype as Partial<WithEncoders>;

/** Standard base64, padded. */
export const toBase64: (bytes: Uint8Array) => string =
  typeof native.toBase64 === "function"
    ? (bytes) => (bytes as WithEncoders).toBase64()
    : (bytes) => {
        let binary = "";
        for (const byte of bytes) binary += String.fromCharCode(byte);
        return btoa(binary);
      };

/** base64url without padding. */
export const toBase64Url: (bytes: Uint8Array) => string =
  typeof native.toBase64 === "function"
    ? (bytes) => (bytes as WithEncoders).toBase64({ alphabet: "base64url", omitPadding: true })
    : (bytes) => toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Throws on anything that is not base64url, so tampered input never decodes to garbage silently. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export const toHex: (bytes: Uint8Array) => string =
  typeof native.toHex === "function" ? (bytes) => (bytes as WithEncoders).toHex() : (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export const randomBytes = (length: number): Uint8Array<ArrayBuffer> => crypto.getRandomValues(new Uint8Array(length));
