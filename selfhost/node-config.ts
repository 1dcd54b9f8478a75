// `npm start`'s own settings: where the node keeps its data, where it listens,
// whether it runs a local LiveKit. The Worker never sees these; they are
// parsed by selfhost/start.ts (and the CLI) alongside the Worker's settings
// (core/config.ts), with the same rules for unset and empty variables.
import * as z from "zod/mini";
import { ConfigError, unsetIfEmpty, type ConfigIssue } from "../core/config.ts";

/** Unset or empty: `fallback`, parsed like a given value (so "8080" becomes 8080 either way). */
const withDefault = <T extends z.ZodMiniType>(schema: T, fallback: z.input<T>) =>
  z.pipe(z.transform(unsetIfEmpty), z.prefault(schema, fallback as never) as unknown as z.ZodMiniType<z.output<T>, unknown>);

/** A whole number from a variable's text ("10"), checked by `checks`. */
const integer = (checks: z.core.$ZodCheck<number>[], error: string) => z.pipe(z.coerce.number({ error }), z.int({ error }).check(...checks));

const port = (max: number, message: string) =>
  integer([z.minimum(1, "must be a port number"), z.maximum(max, message)], "must be a port number");

export const nodeConfigSchema = z.object({
  DATA_DIR: withDefault(z.string(), "./data"),
  HOST: withDefault(z.union([z.ipv4(), z.ipv6(), z.literal("localhost")], { error: "must be an IP address" }), "127.0.0.1"),
  PORT: withDefault(port(65535, "must be a port number"), "3020"),
  // The local LiveKit `npm start` runs when LIVEKIT_URL is unset: its HTTP port; RTC over UDP on this port + 2 (as LiveKit's 7880/7882).
  LIVEKIT_LOCAL_PORT: withDefault(port(65533, "must be a port number below 65534"), "7880"),
  STREAMHUB_LOCAL_LIVEKIT: withDefault(z.enum(["auto", "off"], { error: "must be auto or off" }), "auto"),
  // Whether the first-run token is printed: auto (not under systemd, whose output is kept in the journal), 0 never, 1 always.
  // The token is in DATA_DIR/first-run-token (mode 0600) either way.
  STREAMHUB_PRINT_SECRETS: withDefault(z.enum(["auto", "0", "1"], { error: "must be auto, 0 or 1" }), "auto"),
});

export type NodeConfig = z.output<typeof nodeConfigSchema>;

/** Every problem with `npm start`'s own settings at once (none: valid). */
export function nodeConfigIssues(source: Record<string, unknown>): ConfigIssue[] {
  const result = nodeConfigSchema.safeParse(source);
  return result.success ? [] : result.error.issues;
}

export function parseNodeConfig(source: Record<string, unknown>): NodeConfig {
  const result = nodeConfigSchema.safeParse(source);
  if (!result.success) throw new ConfigError(result.error.issues);
  return result.data;
}
