// What every command of the operations CLI (selfhost/cli.ts) shares: its
// errors and exit codes, its arguments, and the node's settings as `npm start`
// reads them — with the Registry's database and the running node's API.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../core/config.ts";
import { parseNodeConfig, type NodeConfig } from "./node-config.ts";
import { migrate } from "../core/db/migrate.ts";
import { registryMigrations } from "../durable/registry/migrations.ts";
import { NodeSqliteDriver, openDatabase, processesUsing, registryDatabase } from "./cli-db.ts";
import { secretsPath, type NodeSecrets } from "./secrets.ts";

export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3 } as const;

export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.failed) {
    super(message);
    this.exitCode = exitCode;
  }
}

export const say = (line: string) => process.stdout.write(`${line}\n`);

// ── arguments ──────────────────────────────────────────────────────────────────

export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[], known: Record<string, "value" | "switch">): Args {
  const args: Args = { positional: [], flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      args.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const kind = known[name];
    if (!kind) throw new CliError(`unknown option --${name}`, EXIT.usage);
    if (kind === "switch") args.flags.set(name, true);
    else {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new CliError(`--${name} needs a value`, EXIT.usage);
      args.flags.set(name, value);
    }
  }
  return args;
}

export const flag = (args: Args, name: string): string | undefined => {
  const value = args.flags.get(name);
  return typeof value === "string" ? value : undefined;
};

// ── the node's settings, as `npm start` reads them ─────────────────────────────

export interface NodeContext {
  node: NodeConfig;
  dataDir: string;
  /** secrets.json, when there is one (never created here). */
  secrets: Partial<NodeSecrets>;
  /** The environment the Worker would get: the operator's variables over secrets.json's, and the local LiveKit's. */
  env: Record<string, string | undefined>;
  /** Where the node's API answers when it runs. */
  apiBase: string;
}

export function nodeContext(): NodeContext {
  let node: NodeConfig;
  try {
    node = parseNodeConfig(process.env);
  } catch (error) {
    throw new CliError(error instanceof ConfigError ? error.message : String(error), EXIT.failed);
  }
  const dataDir = resolve(node.DATA_DIR);
  const file = secretsPath(dataDir);
  const secrets = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<NodeSecrets>) : {};
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [name, value] of Object.entries(secrets)) if (!env[name] && !name.startsWith("LIVEKIT_")) env[name] = value;
  if (!process.env.LIVEKIT_URL && node.STREAMHUB_LOCAL_LIVEKIT === "auto") {
    env.LIVEKIT_URL = `ws://127.0.0.1:${node.LIVEKIT_LOCAL_PORT}`;
    env.LIVEKIT_API_KEY ||= secrets.LIVEKIT_API_KEY;
    env.LIVEKIT_API_SECRET ||= secrets.LIVEKIT_API_SECRET;
  }
  const host = ["0.0.0.0", "::"].includes(node.HOST) ? "127.0.0.1" : node.HOST.includes(":") ? `[${node.HOST}]` : node.HOST;
  return { node, dataDir, secrets, env, apiBase: `http://${host}:${node.PORT}` };
}

export const running = (context: NodeContext) => processesUsing(context.dataDir);

export function requireStopped(context: NodeContext, what: string): void {
  const pids = running(context);
  if (pids.length > 0) throw new CliError(`a node is running on ${context.dataDir} (pid ${pids.join(", ")}): stop it first (systemctl stop streamhub), then ${what}`, EXIT.refused);
}

export async function openRegistry(context: NodeContext) {
  const path = registryDatabase(context.dataDir);
  if (!path) throw new CliError(`no Registry database under ${context.dataDir}/actors: start the node once (it prints a first token), or check DATA_DIR`);
  const db = openDatabase(path, { readOnly: false });
  const driver = new NodeSqliteDriver(db);
  await migrate(driver, registryMigrations);
  return { db, driver };
}

/** A call to the running node's API with a global token (--token, STREAMHUB_API_TOKEN, or secrets.json's). */
export async function callApi(context: NodeContext, args: Args, method: string, path: string, body?: unknown) {
  const token = flag(args, "token") ?? context.env.STREAMHUB_API_TOKEN;
  if (!token) throw new CliError("the node runs, so this goes through its API, which needs a global token: pass --token (or stop the node to work on its database directly)");
  let response: Response;
  try {
    response = await fetch(`${context.apiBase}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new CliError(`the node runs but its API at ${context.apiBase} does not answer (${(error as Error).message}); check HOST and PORT`);
  }
  const json = (await response.json().catch(() => null)) as { data: any; error: { code: string; message: string } | null } | null;
  if (response.status === 401) throw new CliError("the API refused the token (revoked or unknown): stop the node and run this again to work on its database directly");
  if (!response.ok) throw new CliError(`the API answered ${response.status} ${json?.error?.code ?? ""}: ${json?.error?.message ?? ""}`);
  return json?.data;
}

export function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new CliError(`${name} must be a whole number ≥ 1`, EXIT.usage);
  return parsed;
}

