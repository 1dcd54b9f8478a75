import { describe, expect, it } from "vitest";
import { ConfigError, configIssues, parseConfig, type Config } from "./config.ts";

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

  // Each reader against what the zod schema it replaced gave for the same text (an oracle run of 114 inputs).
  it.each([
    ["LIVEKIT_URL", "https://h/p", "https://h/p"],
    ["TRUSTED_PROXIES", "10.0.0.0/8, ::1", ["10.0.0.0/8", "::1"]],
    ["TRUST_CLOUDFLARE", "true", true],
    ["AUTH_RATE_LIMIT_MAX", " 7 ", 7],
    ["AUTH_RATE_LIMIT_MAX", "1e3", 1000],
    ["LIVE_SWEEP_INTERVAL_S", "0", 0],
    ["CORS_ALLOWED_ORIGINS", "https://a, http://b", ["https://a", "http://b"]],
  ])("reads %s=%j as %j", (variable, value, expected) => {
    expect(parseConfig({ ...minimal, [variable]: value })[variable as keyof Config]).toEqual(expected);
  });

  it.each([
    ["LIVEKIT_URL", "ftp://x", ["must be a ws or wss or http or https URL"]],
    ["LIVEKIT_URL", "notaurl", ["must be a ws or wss or http or https URL"]],
    ["PUBLIC_WS_URL", "https://a", ["must be a ws or wss URL"]],
    ["RTMP_PUBLIC_HOST", "a b", ["must be a host name, optionally with :port"]],
    ["STREAMHUB_API_TOKEN", "sk_short", ["must be sk_ followed by at least 32 base64url characters"]],
    ["TRUSTED_PROXIES", "bad host", ["must be a comma-separated list of IP addresses or CIDR ranges"]],
    ["TRUST_CLOUDFLARE", "yes", ["must be 0, 1, true or false"]],
    ["AUTH_RATE_LIMIT_MAX", "0", ["must be positive"]],
    ["AUTH_RATE_LIMIT_MAX", "1.5", ["must be an integer"]],
    ["AUTH_RATE_LIMIT_MAX", "-1.5", ["must be an integer"]],
    ["AUTH_RATE_LIMIT_MAX", "abc", ["must be a number"]],
    ["REQUEST_LOG_LEVEL", "x", ["must be debug, info, warn, error or off"]],
    ["LIVE_SWEEP_INTERVAL_S", "-1", ["must be 0 or more"]],
    ["CORS_ALLOWED_ORIGINS", "a,,b", ["must be a http or https URL", "must be a http or https URL"]],
    ["STREAMHUB_MAX_BODY_BYTES", "99999999999", ["must be at most 64 MiB"]],
  ])("refuses %s=%j: %j", (variable, value, messages) => {
    expect(configIssues({ ...minimal, [variable]: value })).toEqual(messages.map((message) => ({ path: [variable], message })));
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
