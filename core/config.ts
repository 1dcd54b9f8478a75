// Every setting StreamHub reads, validated by one table. The Worker parses its
// env through `parseConfig` once per isolate; `npm start` parses the process
// environment through the same table before it starts workerd, so a bad value
// stops the node at boot with a message naming the variable.
//
// This file is loaded by Node directly (type stripping) as well as bundled into
// the Worker, and imports nothing. The Worker reads its settings before its
// first answer; zod's set-up alone (even zod/mini's) was a tenth of the time to
// that answer, and each setting here is a single value read from text, which
// the few readers below say plainly. (An oracle of 114 inputs gave the same
// values and messages as the zod schema these readers replaced.)

/**
 * An unset variable and an empty one mean the same: use the default. (workerd
 * binds a `fromEnvironment` variable that is not set as null.)
 */
export const unsetIfEmpty = (value: unknown): unknown => (value === null || (typeof value === "string" && value.trim() === "") ? undefined : value);

/** Why a value was refused: one message per problem, each said after the variable's name. */
class Refused extends Error {
  readonly messages: string[];
  constructor(messages: string[]) {
    super(messages.join("; "));
    this.messages = messages;
  }
}

/** Reads one set variable's value (never unset: see `optional` and `withDefault`), or throws Refused. */
type Reader<T> = (value: unknown) => T;

const text =
  (...checks: [RegExp | number, string][]): Reader<string> =>
  (value) => {
    if (typeof value !== "string") throw new Refused([`must be text (it is a ${typeof value})`]);
    const failed = checks.filter(([rule]) => (typeof rule === "number" ? value.length < rule : !rule.test(value)));
    if (failed.length > 0) throw new Refused(failed.map(([, message]) => message));
    return value;
  };

const oneOf =
  <const T extends string>(values: readonly T[]): Reader<T> =>
  (value) => {
    if (!values.includes(value as T)) throw new Refused([`must be ${values.slice(0, -1).join(", ")} or ${values.at(-1)}`]);
    return value as T;
  };

const flag: Reader<boolean> = (value) => {
  if (!["0", "1", "true", "false"].includes(value as string)) throw new Refused(["must be 0, 1, true or false"]);
  return value === "1" || value === "true";
};

/** An absolute URL with one of `protocols` (tabs and line breaks dropped, as a browser does). */
const url =
  (protocols: string[]): Reader<string> =>
  (value) => {
    const trimmed = typeof value === "string" ? value.trim() : "";
    const parsed = URL.parse(trimmed);
    if (!parsed || !protocols.includes(parsed.protocol.slice(0, -1))) throw new Refused([`must be a ${protocols.join(" or ")} URL`]);
    return trimmed.replace(/[\t\n\r]/g, "");
  };

/** A whole number from the variable's text ("10"), then each of `checks` (all that fail are said). */
const integer =
  (...checks: [(n: number) => boolean, string][]): Reader<number> =>
  (value) => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Refused(["must be a number"]);
    // As zod: a fraction is said alone; a whole number too large to be exact is also checked against the rest.
    if (!Number.isInteger(n)) throw new Refused(["must be an integer"]);
    const failed = [...(Number.isSafeInteger(n) ? [] : ["must be an integer"]), ...checks.filter(([ok]) => !ok(n)).map(([, message]) => message)];
    if (failed.length > 0) throw new Refused(failed);
    return n;
  };
const positive: [(n: number) => boolean, string] = [(n) => n > 0, "must be positive"];

/** A comma-separated list, each non-empty item read by `item` (each bad item is said). */
const commaList =
  <T>(item: Reader<T>): Reader<T[]> =>
  (value) => {
    const items = text()(value)
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    const problems: string[] = [];
    const read = items.flatMap((entry) => {
      try {
        return [item(entry)];
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        problems.push(...error.messages);
        return [];
      }
    });
    if (problems.length > 0) throw new Refused(problems);
    return read;
  };

/** A setting read from its variable, as the Worker's env or the process environment has it. */
type Setting<T> = (raw: unknown) => T;
/** Unset or empty: `undefined`. */
const optional =
  <T>(read: Reader<T>): Setting<T | undefined> =>
  (raw) => {
    const value = unsetIfEmpty(raw);
    return value === undefined ? undefined : read(value);
  };
/** Unset or empty: `fallback`, read like a given value (so "8080" becomes 8080 either way). */
const withDefault =
  <T>(read: Reader<T>, fallback: string): Setting<T> =>
  (raw) =>
    read(unsetIfEmpty(raw) ?? fallback);
const required =
  <T>(read: Reader<T>, whenUnset: string): Setting<T> =>
  (raw) => {
    const value = unsetIfEmpty(raw);
    if (value === undefined) throw new Refused([whenUnset]);
    return read(value);
  };

/** An IPv4/IPv6 address or CIDR range; checked in full by the auth issue's matcher. */
const ipOrCidr = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;

/** Every setting of the Worker: its variable, how it is read, its default. */
export const configSettings = {
  LIVEKIT_URL: withDefault(url(["ws", "wss", "http", "https"]), "ws://127.0.0.1:7880"),
  LIVEKIT_API_KEY: optional(text()),
  LIVEKIT_API_SECRET: optional(text([32, "must be at least 32 characters (LiveKit requires it)"])),
  PUBLIC_BASE_URL: optional(url(["http", "https"])),
  PUBLIC_WS_URL: optional(url(["ws", "wss"])),
  STREAMHUB_PUBLIC_URL: optional(url(["http", "https"])),
  RTMP_PUBLIC_HOST: optional(text([/^[a-zA-Z0-9.-]+(:\d+)?$/, "must be a host name, optionally with :port"])),
  STREAMHUB_JWT_SECRET: optional(text([32, "must be at least 32 characters"])),
  STREAMHUB_SECRET_KEY: required(text([32, "must be at least 32 characters"]), "is required: the key that encrypts secrets at rest (npm start generates one)"),
  STREAMHUB_API_TOKEN: optional(text([/^sk_[A-Za-z0-9_-]{32,}$/, "must be sk_ followed by at least 32 base64url characters"])),
  STREAMHUB_AUTHZ_ENFORCE: withDefault(oneOf(["on", "log", "off"]), "on"),
  ADMIN_USER: optional(text()),
  ADMIN_PASS: optional(text([12, "must be at least 12 characters"])),
  METRICS_TOKEN: optional(text([16, "must be at least 16 characters"])),
  TRUSTED_PROXIES: withDefault(commaList(text([ipOrCidr, "must be a comma-separated list of IP addresses or CIDR ranges"])), "127.0.0.1/8,::1"),
  TRUST_CLOUDFLARE: withDefault(flag, "0"),
  STREAMHUB_WEBHOOK_ALLOW_PRIVATE: withDefault(flag, "0"),
  STREAMHUB_S3_ALLOW_PRIVATE: withDefault(flag, "0"),
  STREAMHUB_CLUSTER_TOKEN: optional(text([16, "must be at least 16 characters"])),
  STREAMHUB_CLUSTER_REDIS_URL: optional(url(["redis", "rediss"])),
  AUTH_RATE_LIMIT_MAX: withDefault(integer(positive), "10"),
  AUTH_RATE_LIMIT_WINDOW_MS: withDefault(integer(positive), "900000"),
  LOG_LEVEL: withDefault(oneOf(["debug", "info", "warn", "error"]), "info"),
  LOG_RETENTION_DAYS: withDefault(integer(positive), "30"),
  // The access log: one JSON line per request at info (2xx/3xx), warn (4xx) or error (5xx); lines below this level are not written.
  REQUEST_LOG_LEVEL: withDefault(oneOf(["debug", "info", "warn", "error", "off"]), "info"),
  WEBHOOK_TIMEOUT_MS: withDefault(integer(positive), "10000"),
  WEBHOOK_RETENTION_DAYS: withDefault(integer(positive), "30"),
  WEBHOOK_ROTATION_GRACE_S: withDefault(integer(positive), "86400"),
  // How often (and at start) LiveKit's room list is compared with what the apps know; 0: never.
  LIVE_SWEEP_INTERVAL_S: withDefault(integer([(n) => n >= 0, "must be 0 or more"]), "60"),
  CORS_ALLOWED_ORIGINS: withDefault(commaList(url(["http", "https"])), ""),
  STREAMHUB_MAX_BODY_BYTES: withDefault(integer(positive, [(n) => n <= 64 * 1024 * 1024, "must be at most 64 MiB"]), "1048576"),
} satisfies Record<string, Setting<unknown>>;

/** A problem with one setting: the variable and what is wrong with it. */
export interface ConfigIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * Half a credential pair is always a mistake; say so at boot, not at the first
 * token request. Checked on the raw values, beside the table, so that it is
 * said even when one of the pair is also invalid: every problem in one pass.
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

export type Config = { [Variable in keyof typeof configSettings]: ReturnType<(typeof configSettings)[Variable]> };

export class ConfigError extends Error {
  readonly variables: string[];
  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((issue) => `${String(issue.path[0] ?? "config")} ${issue.message}`);
    super(`invalid configuration: ${lines.join("; ")}`);
    this.name = "ConfigError";
    this.variables = issues.map((issue) => String(issue.path[0] ?? "config"));
  }
}

/** Reads every setting, collecting every problem (in the table's order) rather than stopping at the first. */
function readSettings(source: Record<string, unknown>): { config: Config; issues: ConfigIssue[] } {
  const config: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const [variable, read] of Object.entries(configSettings)) {
    try {
      config[variable] = read(source[variable]);
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      for (const message of error.messages) issues.push({ path: [variable], message });
    }
  }
  return { config: config as Config, issues: [...issues, ...pairIssues(source)] };
}

/** Every problem with the Worker's settings at once (none: valid). */
export function configIssues(source: Record<string, unknown>): ConfigIssue[] {
  return readSettings(source).issues;
}

export function parseConfig(source: Record<string, unknown>): Config {
  const { config, issues } = readSettings(source);
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
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
