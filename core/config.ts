// Every setting StreamHub reads, validated by one schema. The Worker parses its
// env through `parseConfig` once per isolate; `npm start` parses the process
// environment through the same schema before it starts workerd, so a bad value
// stops the node at boot with a message naming the variable.
//
// This file is loaded by Node directly (type stripping) as well as bundled into
// the Worker: it must import nothing but zod.
import { z } from "zod";

/**
 * An unset variable and an empty one mean the same: use the default. (workerd
 * binds a `fromEnvironment` variable that is not set as null.)
 */
const unsetIfEmpty = (value: unknown) => (value === null || (typeof value === "string" && value.trim() === "") ? undefined : value);

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional());
/** `prefault`: the default is parsed like a given value, so "8080" becomes 8080 either way. */
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess(unsetIfEmpty, schema.prefault(fallback as never));

const url = (protocols: string[]) =>
  z.url({ protocol: new RegExp(`^(${protocols.join("|")})$`), error: `must be a ${protocols.join(" or ")} URL` });

const flag = z.enum(["0", "1", "true", "false"], { error: "must be 0, 1, true or false" }).transform((v) => v === "1" || v === "true");

const positiveInt = z.coerce.number({ error: "must be a number" }).int("must be an integer").positive("must be positive");

const commaList = z.string().transform((v) =>
  v
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean),
);

/** An IPv4/IPv6 address or CIDR range; checked in full by the auth issue's matcher. */
const ipOrCidr = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;

export const configSchema = z
  .object({
    LIVEKIT_URL: withDefault(url(["ws", "wss", "http", "https"]), "ws://127.0.0.1:7880"),
    LIVEKIT_API_KEY: optional(z.string()),
    LIVEKIT_API_SECRET: optional(z.string().min(32, "must be at least 32 characters (LiveKit requires it)")),
    PUBLIC_BASE_URL: optional(url(["http", "https"])),
    PUBLIC_WS_URL: optional(url(["ws", "wss"])),
    STREAMHUB_PUBLIC_URL: optional(url(["http", "https"])),
    RTMP_PUBLIC_HOST: optional(z.string().regex(/^[a-zA-Z0-9.-]+(:\d+)?$/, "must be a host name, optionally with :port")),
    STREAMHUB_JWT_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
    STREAMHUB_SECRET_KEY: z.preprocess(
      unsetIfEmpty,
      z.string({ error: "is required: the key that encrypts secrets at rest (npm start generates one)" }).min(32, "must be at least 32 characters"),
    ),
    STREAMHUB_API_TOKEN: optional(z.string().regex(/^sk_[A-Za-z0-9_-]{32,}$/, "must be sk_ followed by at least 32 base64url characters")),
    STREAMHUB_AUTHZ_ENFORCE: withDefault(z.enum(["on", "log", "off"], { error: "must be on, log or off" }), "on"),
    ADMIN_USER: optional(z.string().min(1)),
    ADMIN_PASS: optional(z.string().min(12, "must be at least 12 characters")),
    METRICS_TOKEN: optional(z.string().min(16, "must be at least 16 characters")),
    TRUSTED_PROXIES: withDefault(
      commaList.pipe(z.array(z.string().regex(ipOrCidr, "must be a comma-separated list of IP addresses or CIDR ranges"))),
      "127.0.0.1/8,::1",
    ),
    TRUST_CLOUDFLARE: withDefault(flag, "0"),
    STREAMHUB_WEBHOOK_ALLOW_PRIVATE: withDefault(flag, "0"),
    STREAMHUB_S3_ALLOW_PRIVATE: withDefault(flag, "0"),
    STREAMHUB_CLUSTER_TOKEN: optional(z.string().min(16, "must be at least 16 characters")),
    STREAMHUB_CLUSTER_REDIS_URL: optional(url(["redis", "rediss"])),
    AUTH_RATE_LIMIT_MAX: withDefault(positiveInt, "10"),
    AUTH_RATE_LIMIT_WINDOW_MS: withDefault(positiveInt, "900000"),
    LOG_LEVEL: withDefault(z.enum(["debug", "info", "warn", "error"], { error: "must be debug, info, warn or error" }), "info"),
    LOG_RETENTION_DAYS: withDefault(positiveInt, "30"),
    // The access log: one JSON line per request at info (2xx/3xx), warn (4xx) or error (5xx); lines below this level are not written.
    REQUEST_LOG_LEVEL: withDefault(z.enum(["debug", "info", "warn", "error", "off"], { error: "must be debug, info, warn, error or off" }), "info"),
    WEBHOOK_TIMEOUT_MS: withDefault(positiveInt, "10000"),
    WEBHOOK_RETENTION_DAYS: withDefault(positiveInt, "30"),
    WEBHOOK_ROTATION_GRACE_S: withDefault(positiveInt, "86400"),
    // How often (and at start) LiveKit's room list is compared with what the apps know; 0: never.
    LIVE_SWEEP_INTERVAL_S: withDefault(z.coerce.number({ error: "must be a number" }).int("must be an integer").min(0, "must be 0 or more"), "60"),
    CORS_ALLOWED_ORIGINS: withDefault(commaList.pipe(z.array(url(["http", "https"]))), ""),
    STREAMHUB_MAX_BODY_BYTES: withDefault(positiveInt.max(64 * 1024 * 1024, "must be at most 64 MiB"), "1048576"),
  });

/** A problem with one setting: the variable and what is wrong with it. */
export interface ConfigIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * Half a credential pair is always a mistake; say so at boot, not at the first
 * token request. Checked on the raw values, beside the schema rather than as
 * a refinement of it: zod skips refinements once a field is invalid, and every
 * problem is reported in one pass.
 */
function pairIssues(source: Record<string, unknown>): ConfigIssue[] {
  const pairs = [
    ["LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"],
    ["ADMIN_USER", "ADMIN_PASS"],
  ] as const;
  const issues: ConfigIssue[] = [];
  for (const [a, b] of pairs) {
    const unset = (name: string) => unsetIfEmpty(source[name]) === undefined;
    if (unset(a) !== unset(b)) {
      const missing = unset(a) ? a : b;
      issues.push({ path: [missing], message: `must be set together with ${missing === a ? b : a}` });
    }
  }
  return issues;
}

export type Config = z.output<typeof configSchema>;

/** Node-side settings of `npm start`; the Worker never sees these. */
export const nodeConfigSchema = z.object({
  DATA_DIR: withDefault(z.string(), "./data"),
  HOST: withDefault(z.union([z.ipv4(), z.ipv6(), z.literal("localhost")], { error: "must be an IP address" }), "127.0.0.1"),
  PORT: withDefault(z.coerce.number({ error: "must be a port number" }).int().min(1).max(65535, "must be a port number"), "3020"),
  // The local LiveKit `npm start` runs when LIVEKIT_URL is unset: its HTTP port; RTC over UDP on this port + 2 (as LiveKit's 7880/7882).
  LIVEKIT_LOCAL_PORT: withDefault(z.coerce.number({ error: "must be a port number" }).int().min(1).max(65533, "must be a port number below 65534"), "7880"),
  STREAMHUB_LOCAL_LIVEKIT: withDefault(z.enum(["auto", "off"], { error: "must be auto or off" }), "auto"),
  // Whether the first-run token is printed: auto (not under systemd, whose output is kept in the journal), 0 never, 1 always.
  // The token is in DATA_DIR/first-run-token (mode 0600) either way.
  STREAMHUB_PRINT_SECRETS: withDefault(z.enum(["auto", "0", "1"], { error: "must be auto, 0 or 1" }), "auto"),
});

export type NodeConfig = z.output<typeof nodeConfigSchema>;

export class ConfigError extends Error {
  readonly variables: string[];
  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((issue) => `${String(issue.path[0] ?? "config")} ${issue.message}`);
    super(`invalid configuration: ${lines.join("; ")}`);
    this.name = "ConfigError";
    this.variables = issues.map((issue) => String(issue.path[0] ?? "config"));
  }
}

/** Every problem with the Worker's settings at once (none: valid). */
export function configIssues(source: Record<string, unknown>): ConfigIssue[] {
  const result = configSchema.safeParse(source);
  return [...(result.success ? [] : result.error.issues), ...pairIssues(source)];
}

/** Every problem with `npm start`'s own settings at once (none: valid). */
export function nodeConfigIssues(source: Record<string, unknown>): ConfigIssue[] {
  const result = nodeConfigSchema.safeParse(source);
  return result.success ? [] : result.error.issues;
}

export function parseConfig(source: Record<string, unknown>): Config {
  const result = configSchema.safeParse(source);
  const issues = [...(result.success ? [] : result.error.issues), ...pairIssues(source)];
  if (!result.success || issues.length > 0) throw new ConfigError(issues);
  return result.data;
}

export function parseNodeConfig(source: Record<string, unknown>): NodeConfig {
  const result = nodeConfigSchema.safeParse(source);
  if (!result.success) throw new ConfigError(result.error.issues);
  return result.data;
}

const parsedEnvs = new WeakMap<object, Config>();

/** The Worker's (or an actor's) validated config; parsed once per env object. */
export function configFromEnv(env: object): Config {
  let config = parsedEnvs.get(env);
  if (!config) {
    config = parseConfig(env as Record<string, unknown>);
    parsedEnvs.set(env, config);
  }
  return config;
}
