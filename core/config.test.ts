import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.ts";

const minimal = { STREAMHUB_SECRET_KEY: "k".repeat(32) };

const errorOf = (source: Record<string, unknown>): ConfigError => {
  try {
    parseConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
};

describe("configuration", () => {
  it("fills defaults for unset, empty and null (workerd's unset binding) variables", () => {
    const config = parseConfig({ ...minimal, LIVEKIT_URL: "", STREAMHUB_AUTHZ_ENFORCE: null });
    expect(config.LIVEKIT_URL).toBe("ws://127.0.0.1:7880");
    expect(config.STREAMHUB_AUTHZ_ENFORCE).toBe("on");
    expect(config.TRUSTED_PROXIES).toEqual(["127.0.0.1/8", "::1"]);
    expect(config.AUTH_RATE_LIMIT_MAX).toBe(10);
    expect(config.TRUST_CLOUDFLARE).toBe(false);
    expect(config.CORS_ALLOWED_ORIGINS).toEqual([]);
  });

  it("parses the values it is given", () => {
    const config = parseConfig({
      ...minimal,
      LIVEKIT_URL: "wss://media.example.com",
      LIVEKIT_API_KEY: "APIkey",
      LIVEKIT_API_SECRET: "s".repeat(32),
      STREAMHUB_AUTHZ_ENFORCE: "log",
      TRUST_CLOUDFLARE: "1",
      CORS_ALLOWED_ORIGINS: "https://a.example, https://b.example",
      STREAMHUB_MAX_BODY_BYTES: "2048",
    });
    expect(config).toMatchObject({
      LIVEKIT_URL: "wss://media.example.com",
      STREAMHUB_AUTHZ_ENFORCE: "log",
      TRUST_CLOUDFLARE: true,
      CORS_ALLOWED_ORIGINS: ["https://a.example", "https://b.example"],
      STREAMHUB_MAX_BODY_BYTES: 2048,
    });
  });

  it.each([
    [{ STREAMHUB_SECRET_KEY: undefined }, "STREAMHUB_SECRET_KEY"],
    [{ STREAMHUB_SECRET_KEY: "short" }, "STREAMHUB_SECRET_KEY"],
    [{ LIVEKIT_URL: "ftp://x" }, "LIVEKIT_URL"],
    [{ STREAMHUB_AUTHZ_ENFORCE: "maybe" }, "STREAMHUB_AUTHZ_ENFORCE"],
    [{ STREAMHUB_API_TOKEN: "not-a-token" }, "STREAMHUB_API_TOKEN"],
    [{ AUTH_RATE_LIMIT_MAX: "ten" }, "AUTH_RATE_LIMIT_MAX"],
    [{ TRUSTED_PROXIES: "127.0.0.1, example.com" }, "TRUSTED_PROXIES"],
    [{ TRUST_CLOUDFLARE: "yes" }, "TRUST_CLOUDFLARE"],
    [{ LIVEKIT_API_KEY: "only-the-key" }, "LIVEKIT_API_SECRET"],
    [{ ADMIN_PASS: "only-the-password" }, "ADMIN_USER"],
  ])("rejects %j, naming %s", (override, variable) => {
    const error = errorOf({ ...minimal, ...override });
    expect(error.variables).toContain(variable);
    expect(error.message).toContain(variable);
  });

  it("never echoes a rejected value (it may be a secret)", () => {
    const error = errorOf({ ...minimal, LIVEKIT_API_SECRET: "tooshort-secret-value" });
    expect(error.message).not.toContain("tooshort-secret-value");
  });

  it("reports every bad setting in one pass, half-set pairs included", () => {
    expect(() => parseConfig({ STREAMHUB_SECRET_KEY: "short", ADMIN_USER: "ops", STREAMHUB_AUTHZ_ENFORCE: "sometimes" })).toThrow(
      /STREAMHUB_SECRET_KEY must be at least 32 characters; STREAMHUB_AUTHZ_ENFORCE must be on, log or off; ADMIN_PASS must be set together with ADMIN_USER/,
    );
  });
});
