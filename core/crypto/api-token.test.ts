import { describe, expect, it } from "vitest";
import { API_TOKEN_PATTERN, generateApiToken, hashApiToken } from "./api-token.ts";

describe("API tokens", () => {
  it("are sk_ + base64url of 32 random bytes, and differ every time", () => {
    const tokens = new Set(Array.from({ length: 50 }, generateApiToken));
    expect(tokens.size).toBe(50);
    for (const token of tokens) {
      expect(token).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
      expect(API_TOKEN_PATTERN.test(token)).toBe(true);
    }
  });

  it("hash to the SHA-256 hex digest", async () => {
    // Known answer: SHA-256("abc").
    expect(await hashApiToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
