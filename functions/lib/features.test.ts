import { describe, expect, it } from "vitest";
import { publicBase } from "./features.ts";

const contextFor = (url: string, PUBLIC_BASE_URL?: string) => ({ req: { url }, get: (name: string) => (name === "config" ? { PUBLIC_BASE_URL } : undefined) }) as never;

describe("publicBase", () => {
  it("is PUBLIC_BASE_URL when set, else the origin the request came to", () => {
    expect(publicBase(contextFor("http://127.0.0.1:3020/api/v1/apps/demo/tokens", "https://live.example.com"))).toBe("https://live.example.com");
    expect(publicBase(contextFor("http://127.0.0.1:3020/api/v1/apps/demo/tokens"))).toBe("http://127.0.0.1:3020");
    expect(publicBase(contextFor("https://[::1]:8443/x?y=/z"))).toBe("https://[::1]:8443");
    expect(publicBase(contextFor("https://live.example.com"))).toBe("https://live.example.com");
  });
});
