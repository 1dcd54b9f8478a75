// Every setting StreamHub reads, validated by one schema. The Worker parses its
// env through `parseConfig` once per isolate; `npm start` parses the process
// environment through the same schema before it starts workerd, so a bad value
// stops the node at boot with a message naming the variable.
//
// This file is loaded by Node directly (type stripping) as well as bundled into
// the Worker: it must import nothing but zod. It uses zod/mini, whose schemas
// are plain functions the bundler can drop when unused: the Worker parses its
// settings before its first answer, and classic zod's set-up, with this
// schema built on it, was a fifth of the time to that answer.
import * as z from "zod/mini";

/**
 * An unset variable and an empty one mean the same: use the default. (workerd
 * binds a `fromEnvironment` variable that is not set as null.)
 */
const unsetIfEmpty = (value: unknown): unknown => (value === null || (typeof value === "string" && value.trim() === "") ? undefined : value);

/**
 * `schema` applied to the variable with unset and empty read as `undefined`
 * (classic zod's `preprocess`, which zod/mini leaves out). Any value may come
 * in: an env binding is text, null or absent, and tests pass numbers too.
 */
const unsetAsUndefined = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(z.transform(unsetIfEmpty), schema as unknown as z.ZodMiniType<z.output<T>, unknown>);

/** An unset (or empty) variable is `undefined`; a set one is parsed by `schema`. */
const optional = <T extends z.ZodMiniType>(schema: T) => unsetAsUndefined(z.optional(schema));
/** `prefault`: the default is parsed like a given value, so "8080" becomes 8080 either way. */
export const withDefault = <T extends z.ZodMiniType>(schema: T, fallback: z.input<T>) => unsetAsUndefined(z.prefault(schema, fallback as never));

const url = (protocols: string[]) =>
  z.url({ protocol: new RegExp(`^(${protocols.join("|")})$`), error: `must be a ${protocols.join(" or ")} URL` });

const flag = z.pipe(
  z.enum(["0", "1", "true", "false"], { error: "must be 0, 1, true or false" }),
  z.transform((v) => v === "1" || v === "true"),
);

/** A whole number from a variable's text ("10"), checked by `checks`. */
export const integer = (checks: z.core.$ZodCheck<number>[], error = "must be a number", notWhole = "must be an integer") =>
  z.pipe(z.coerce.number({ error }), z.int({ error: notWhole }).check(...checks));

const positiveInt = (...more: z.core.$ZodCheck<number>[]) => integer([z.positive("must be positive"), ...more]);

const commaList = <T extends z.ZodMiniType<unknown, string>>(item: T) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((v) =>
        v
          .split(",")
          .map((entry) => entry.trim())
          .filter(Boolean),
      ),
    ),
    z.array(item),
  );

/** An IPv4/IPv6 address or CIDR range; checked in full by the auth issue's matcher. */
const ipOrCidr = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;

const minLength = (length: number, message: string) => z.string().check(z.minLength(length, message));

export const configSchema = z.object({
  LIVEKIT_URL: withDefault(url(["ws", "wss", "http", "https"]), "ws://127.0.0.1:7880"),
  LIVEKIT_API_KEY: optional(z.string()),
  LIVEKIT_API_SECRET: optional(minLength(32, "must be at least 32 characters (LiveKit requires it)")),
  PUBLIC_BASE_URL: optional(url(["http", "https"])),
  PUBLIC_WS_URL: optional(url(["ws", "wss"])),
  STREAMHUB_PUBLIC_URL: optional(url(["http", "https"])),
  RTMP_PUBLIC_HOST: optional(z.string().check(z.regex(/^[a-zA-Z0-9.-]+(:\d+)?$/, "must be a host name, optionally with :port"))),
  STREAMHUB_JWT_SECRET: optional(minLength(32, "must be at least 32 characters")),
  STREAMHUB_SECRET_KEY: unsetAsUndefined(
    z.string({ error: "is required: the key that encrypts secrets at rest (npm start generates one)" }).check(z.minLength(32, "must be at least 32 characters")),
  ),
  STREAMHUB_API_TOKEN: optional(z.string().check(z.regex(/^sk_[A-Za-z0-9_-]{32,}$/, "must be sk_ followed by at least 32 base64url characters"))),
  STREAMHUB_AUTHZ_ENFORCE: withDefault(z.enum(["on", "log", "off"], { error: "must be on, log or off" }), "on"),
  ADMIN_USER: optional(z.string().check(z.minLength(1))),
  ADMIN_PASS: optional(minLength(12, "must be at least 12 characters")),
  METRICS_TOKEN: optional(minLength(16, "must be at least 16 characters")),
  TRUSTED_PROXIES: withDefault(commaList(z.string().check(z.regex(ipOrCidr, "must be a comma-separated list of IP addresses or CIDR ranges"))), "127.0.0.1/8,::1"),
  TRUST_CLOUDFLARE: withDefault(flag, "0"),
  STREAMHUB_WEBHOOK_ALLOW_PRIVATE: withDefault(flag, "0"),
  STREAMHUB_S3_ALLOW_PRIVATE: withDefault(flag, "0"),
  STREAMHUB_CLUSTER_TOKEN: optional(minLength(16, "must be at least 16 characters")),
  STREAMHUB_CLUSTER_REDIS_URL: optional(url(["redis", "rediss"])),
  AUTH_RATE_LIMIT_MAX: withDefault(positiveInt(), "10"),
  AUTH_RATE_LIMIT_WINDOW_MS: withDefault(positiveInt(), "900000"),
  LOG_LEVEL: withDefault(z.enum(["debug", "info", "warn", "error"], { error: "must be debug, info, warn or error" }), "info"),
  LOG_RETENTION_DAYS: withDefault(positiveInt(), "30"),
  // The access log: one JSON line per request at info (2xx/3xx), warn (4xx) or error (5xx); lines below this level are not written.
  REQUEST_LOG_LEVEL: withDefault(z.enum(["debug", "info", "warn", "error", "off"], { error: "must be debug, info, warn, error or off" }), "info"),
  WEBHOOK_TIMEOUT_MS: withDefault(positiveInt(), "10000"),
  WEBHOOK_RETENTION_DAYS: withDefault(positiveInt(), "30"),
  WEBHOOK_ROTATION_GRACE_S: withDefault(positiveInt(), "86400"),
  // How often (and at start) LiveKit's room list is compared with what the apps know; 0: never.
  LIVE_SWEEP_INTERVAL_S: withDefault(integer([z.minimum(0, "must be 0 or more")]), "60"),
  CORS_ALLOWED_ORIGINS: withDefault(commaList(url(["http", "https"])), ""),
  STREAMHUB_MAX_BODY_BYTES: withDefault(positiveInt(z.maximum(64 * 1024 * 1024, "must be at most 64 MiB")), "1048576"),
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

export function parseConfig(source: Record<string, unknown>): Config {
  const result = configSchema.safeParse(source);
  const issues = [...(result.success ? [] : result.error.issues), ...pairIssues(source)];
  if (!result.success || issues.length > 0) throw new ConfigError(issues);
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
