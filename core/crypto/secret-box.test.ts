import { describe, expect, it } from "vitest";
import { maskSecret, openSecret, sealSecret, secretBoxKey, SecretBoxError } from "./secret-box.ts";

const KEY_A = "secret-key-a-0123456789abcdef0123456789abcdef";
const KEY_B = "secret-key-b-0123456789abcdef0123456789abcdef";

describe("secret box (AES-GCM under an HKDF key)", () => {
  it("round-trips, and never stores the plaintext", async () => {
    const key = await secretBoxKey(KEY_A);
    const sealed = await sealSecret(key, "s3-secret-access-key", "app:demo/secret:s3");
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("s3-secret");
    expect(await openSecret(key, sealed, "app:demo/secret:s3")).toBe("s3-secret-access-key");
  });

  it("uses a fresh IV each time, so equal secrets do not look equal at rest", async () => {
    const key = await secretBoxKey(KEY_A);
    const first = await sealSecret(key, "same", "ctx");
    const second = await sealSecret(key, "same", "ctx");
    expect(first).not.toBe(second);
  });

  it("refuses a value moved to another context (row or app)", async () => {
    const key = await secretBoxKey(KEY_A);
    const sealed = await sealSecret(key, "webhook-secret", "app:demo/secret:callbackSecret");
    await expect(openSecret(key, sealed, "app:other/secret:callbackSecret")).rejects.toThrow(SecretBoxError);
  });

  it("refuses a value sealed under another STREAMHUB_SECRET_KEY", async () => {
    const sealed = await sealSecret(await secretBoxKey(KEY_A), "x", "ctx");
    await expect(openSecret(await secretBoxKey(KEY_B), sealed, "ctx")).rejects.toThrow(SecretBoxError);
  });

  it("refuses a tampered ciphertext", async () => {
    const key = await secretBoxKey(KEY_A);
    const sealed = await sealSecret(key, "hello world", "ctx");
    const last = sealed.at(-1) === "A" ? "B" : "A";
    await expect(openSecret(key, `${sealed.slice(0, -1)}${last}`, "ctx")).rejects.toThrow(SecretBoxError);
  });

  it.each(["", "v1", "v2.abc.def", "v1.!!.??", "v1.AAAA.AAAA.AAAA", "v1.AAAAAAAAAAAAAAAA"])("refuses the malformed value %j", async (value) => {
    const key = await secretBoxKey(KEY_A);
    await expect(openSecret(key, value, "ctx")).rejects.toThrow(SecretBoxError);
  });

  it("masks short and long values as the original did", () => {
    expect(maskSecret("abcd")).toBe("****");
    expect(maskSecret("s3cr7")).toBe("****");
    expect(maskSecret("fifteen-chars-x")).toBe("****");
    expect(maskSecret("sixteen-chars-xy")).toBe("si***xy");
  });
});
