// The operations CLI: `npm run streamhub -- <command>`. See README "Operations".
//
//   doctor                    checks the node: configuration, DATA_DIR, ports, LiveKit and its keys,
//                             that STREAMHUB_SECRET_KEY opens every stored secret, the clock
//   token list                the API tokens (read from the Registry's database; works running or stopped)
//   token create <name> [--scope global|app --app <name>] [--allowed-ips a,b]
//   token revoke <id>         online through the API while the node runs, else directly on the database
//   admin create <email> [--password-stdin]
//                             a superadmin user (online or offline, as token create)
//   backup [--out DIR] [--keep N]
//                             every database, consistent, while the node runs (README "Backups")
//   restore <archive | s3:latest | s3:<key>> [--force]
//                             into an empty DATA_DIR; the node must be stopped
//   rotate-secret-key [--new-key-file F]
//                             re-seals every stored secret under a new key; the node must be stopped
//   agent --origin URL --name N --ip IP [--livekit-url U] [--region R] [--livekit-api U]
//                             the cluster node agent (selfhost/agent.ts)
//
// Exit codes: 0 done (doctor: no check failed); 1 failed (doctor: a check
// failed); 2 usage (unknown command or option, bad value); 3 refused because
// of the node's state (it runs when the command needs it stopped).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { pbkdf2Sync, randomBytes as nodeRandomBytes } from "node:crypto";
import { RoomServiceClient } from "livekit-server-sdk";
import { ConfigError, parseConfig, parseNodeConfig, type NodeConfig } from "../core/config.ts";
import { generateApiToken, hashApiToken } from "../core/crypto/api-token.ts";
import { randomBytes, toBase64Url } from "../core/crypto/encoding.ts";
import { openSecret, sealSecret, secretBoxKey } from "../core/crypto/secret-box.ts";
import { migrate } from "../core/db/migrate.ts";
import { ApiTokensRepository, toApiTokenView } from "../durable/registry/api-tokens.repo.ts";
import { registryMigrations } from "../durable/registry/migrations.ts";
import { UsersRepository } from "../durable/registry/users.repo.ts";
import { runAgent } from "./agent.ts";
import {
  ARCHIVE_PATTERN,
  BackupError,
  createBackup,
  downloadBackup,
  listUploadedBackups,
  pruneBackups,
  pruneUploadedBackups,
  restoreBackup,
  uploadBackup,
  type BackupBucket,
} from "./backup.ts";
import { listDatabases, NodeSqliteDriver, openDatabase, processesUsing, registryDatabase } from "./cli-db.ts";
import { appNameOf, sealedValues } from "./cli-sealed.ts";
import { secretsPath, type NodeSecrets } from "./secrets.ts";

export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3 } as const;

class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.failed) {
    super(message);
    this.exitCode = exitCode;
  }
}

const say = (line: string) => process.stdout.write(`${line}\n`);

// ── arguments ──────────────────────────────────────────────────────────────────

interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(argv: string[], known: Record<string, "value" | "switch">): Args {
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

const flag = (args: Args, name: string): string | undefined => {
  const value = args.flags.get(name);
  return typeof value === "string" ? value : undefined;
};

// ── the node's settings, as `npm start` reads them ─────────────────────────────

interface NodeContext {
  node: NodeConfig;
  dataDir: string;
  /** secrets.json, when there is one (never created here). */
  secrets: Partial<NodeSecrets>;
  /** The environment the Worker would get: the operator's variables over secrets.json's, and the local LiveKit's. */
  env: Record<string, string | undefined>;
  /** Where the node's API answers when it runs. */
  apiBase: string;
}

function nodeContext(): NodeContext {
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

const running = (context: NodeContext) => processesUsing(context.dataDir);

function requireStopped(context: NodeContext, what: string): void {
  const pids = running(context);
  if (pids.length > 0) throw new CliError(`a node is running on ${context.dataDir} (pid ${pids.join(", ")}): stop it first (systemctl stop streamhub), then ${what}`, EXIT.refused);
}

async function openRegistry(context: NodeContext) {
  const path = registryDatabase(context.dataDir);
  if (!path) throw new CliError(`no Registry database under ${context.dataDir}/actors: start the node once (it prints a first token), or check DATA_DIR`);
  const db = openDatabase(path, { readOnly: false });
  const driver = new NodeSqliteDriver(db);
  await migrate(driver, registryMigrations);
  return { db, driver };
}

/** A call to the running node's API with a global token (--token, STREAMHUB_API_TOKEN, or secrets.json's). */
async function callApi(context: NodeContext, args: Args, method: string, path: string, body?: unknown) {
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

// ── doctor ─────────────────────────────────────────────────────────────────────

type Verdict = "ok" | "warn" | "FAIL";

async function doctor(): Promise<number> {
  const results: Verdict[] = [];
  const report = (verdict: Verdict, check: string, detail: string) => {
    results.push(verdict);
    say(`${verdict.padEnd(4)}  ${check}: ${detail}`);
  };

  let context: NodeContext;
  try {
    context = nodeContext();
  } catch (error) {
    report("FAIL", "configuration", (error as Error).message);
    return EXIT.failed;
  }
  const { env, dataDir, node } = context;

  // Configuration: every problem at once, as the Worker would see it.
  let config: ReturnType<typeof parseConfig> | null = null;
  try {
    config = parseConfig(env);
    report("ok", "configuration", `valid (DATA_DIR ${dataDir})`);
  } catch (error) {
    report("FAIL", "configuration", error instanceof ConfigError ? error.message : String(error));
  }

  // DATA_DIR.
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const probe = join(dataDir, `.doctor-${process.pid}`);
    writeFileSync(probe, "ok");
    rmSync(probe);
    report("ok", "DATA_DIR", `${dataDir} is writable (${listDatabases(dataDir).length} databases)`);
  } catch (error) {
    report("FAIL", "DATA_DIR", `${dataDir} is not writable by this user: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }

  // The node and its port.
  const pids = running(context);
  const health = await fetch(`${context.apiBase}/api/v1/health`, { signal: AbortSignal.timeout(3000) }).then(
    async (response) => (response.ok ? ((await response.json()) as { data?: { status?: string } }) : null),
    () => null,
  );
  if (pids.length > 0) {
    if (health) report("ok", "node", `running (pid ${pids.join(", ")}), API answers at ${context.apiBase} (${health.data?.status ?? "?"})`);
    else report("FAIL", "node", `running (pid ${pids.join(", ")}) but nothing answers at ${context.apiBase}: check HOST and PORT`);
  } else {
    // What npm start will bind: the API, and the local LiveKit's port when it runs one.
    const wanted = [{ host: node.HOST, port: node.PORT, what: "the API" }];
    if (!process.env.LIVEKIT_URL && node.STREAMHUB_LOCAL_LIVEKIT === "auto") wanted.push({ host: "127.0.0.1", port: node.LIVEKIT_LOCAL_PORT, what: "the local LiveKit (LIVEKIT_LOCAL_PORT)" });
    const busy = [];
    for (const want of wanted) if (await portInUse(want.host, want.port)) busy.push(want);
    if (busy.length) report("FAIL", "ports", `the node is stopped but ${busy.map((b) => `${b.host}:${b.port} (${b.what})`).join(", ")} in use by another program (npm start would fail with "Address already in use")`);
    else report("ok", "ports", `the node is stopped; ${wanted.map((w) => `${w.host}:${w.port}`).join(", ")} free`);
  }

  // LiveKit: reachable, and its keys are ours.
  const livekitUrl = env.LIVEKIT_URL;
  if (!livekitUrl || !env.LIVEKIT_API_KEY || !env.LIVEKIT_API_SECRET) {
    report("warn", "LiveKit", "not configured (LIVEKIT_URL and its keys unset, no local LiveKit yet): the API serves without a media plane");
  } else {
    const http = livekitUrl.replace(/^ws/, "http");
    try {
      const rooms = await new RoomServiceClient(http, env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET).listRooms();
      report("ok", "LiveKit", `${livekitUrl} answers and accepts our keys (${rooms.length} rooms)`);
    } catch (error) {
      const status = (error as { status?: number }).status;
      const local = !process.env.LIVEKIT_URL && pids.length === 0;
      if (status === 401 || status === 403) report("FAIL", "LiveKit", `${livekitUrl} refuses LIVEKIT_API_KEY/LIVEKIT_API_SECRET (${status}): the keys do not match LiveKit's`);
      else report(local ? "warn" : "FAIL", "LiveKit", `${livekitUrl} does not answer (${(error as Error).message})${local ? "; npm start runs it" : ""}`);
    }
  }

  // The secret key opens what is stored.
  const secretKey = env.STREAMHUB_SECRET_KEY;
  const apps = listDatabases(dataDir).filter((db) => db.kind === "app");
  if (!secretKey) report(apps.length ? "FAIL" : "warn", "secret key", "STREAMHUB_SECRET_KEY is unset and DATA_DIR has no secrets.json");
  else {
    const key = await secretBoxKey(secretKey);
    let opened = 0;
    const failed: string[] = [];
    for (const file of apps) {
      const db = openDatabase(join(dataDir, file.path), { readOnly: true });
      try {
        const app = appNameOf(db);
        if (!app) continue;
        for (const value of sealedValues(db, app)) {
          await openSecret(key, value.sealed, value.context).then(
            () => opened++,
            () => failed.push(value.label),
          );
        }
      } finally {
        db.close();
      }
    }
    if (failed.length === 0) report("ok", "secret key", `STREAMHUB_SECRET_KEY opens all ${opened} stored secrets (${apps.length} app databases)`);
    else report("FAIL", "secret key", `STREAMHUB_SECRET_KEY does not open ${failed.length} of ${failed.length + opened} stored secrets (${failed.slice(0, 3).join("; ")}${failed.length > 3 ? "; …" : ""}): it is not the key they were sealed with`);
  }

  // The clock: tokens and webhook signatures carry times.
  const skews: string[] = [];
  let worst = 0;
  for (const url of [livekitUrl?.replace(/^ws/, "http"), config?.PUBLIC_BASE_URL].filter((u): u is string => Boolean(u))) {
    const started = Date.now();
    const date = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(3000) }).then(
      (response) => response.headers.get("date"),
      () => null,
    );
    if (!date) continue;
    const skew = (Date.parse(date) - (started + Date.now()) / 2) / 1000;
    worst = Math.max(worst, Math.abs(skew));
    skews.push(`${new URL(url).host} ${skew >= 0 ? "+" : ""}${skew.toFixed(1)} s`);
  }
  const ntp = spawnSync("timedatectl", ["show", "-p", "NTPSynchronized", "--value"], { encoding: "utf8" });
  const synced = ntp.status === 0 ? ntp.stdout.trim() === "yes" : null;
  // Date headers have 1 s resolution; tokens and webhook timestamps tolerate far more than 5 s.
  const clock = `${new Date().toISOString()}${skews.length ? `; against ${skews.join(", ")}` : ""}${synced === null ? "" : synced ? "; NTP synchronized" : "; NTP NOT synchronized"}`;
  report(worst > 60 ? "FAIL" : worst > 5 || synced === false ? "warn" : "ok", "clock", clock);

  // Backups: the newest archive where the timer writes them (RPO ≤ 1 h).
  const backupDir = resolve(process.env.STREAMHUB_BACKUP_DIR ?? join(dataDir, "backups"));
  const archives = existsSync(backupDir) ? readdirSync(backupDir).filter((name) => ARCHIVE_PATTERN.test(name)).sort() : [];
  const newest = archives.at(-1);
  if (!newest) report("warn", "backups", `none in ${backupDir} (README "Backups": systemctl enable --now streamhub-backup.timer)`);
  else {
    const ageMin = (Date.now() - statSync(join(backupDir, newest)).mtimeMs) / 60_000;
    report(ageMin > 60 ? "warn" : "ok", "backups", `${archives.length} in ${backupDir}, the newest ${ageMin < 1 ? "under a minute" : `${Math.round(ageMin)} min`} old${ageMin > 60 ? " (more than the hour the timer allows: is streamhub-backup.timer running?)" : ""}`);
  }

  const failedCount = results.filter((r) => r === "FAIL").length;
  const warnings = results.filter((r) => r === "warn").length;
  say(`doctor: ${failedCount} failed, ${warnings} warning${warnings === 1 ? "" : "s"}`);
  return failedCount > 0 ? EXIT.failed : EXIT.ok;
}

function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = createConnection({ host: ["0.0.0.0", "::"].includes(host) ? "127.0.0.1" : host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolvePort(true);
    });
    socket.once("error", () => resolvePort(false));
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolvePort(false);
    });
  });
}

// ── tokens and admins ──────────────────────────────────────────────────────────

const newId = (prefix: string) => `${prefix}_${toBase64Url(randomBytes(12))}`;

async function token(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { scope: "value", app: "value", "allowed-ips": "value", token: "value", json: "switch" });
  const [action, subject] = args.positional;
  const context = nodeContext();
  if (action === "list") {
    // A read: safe beside a running workerd (a WAL reader never blocks its writer).
    const path = registryDatabase(context.dataDir);
    if (!path) throw new CliError(`no Registry database under ${context.dataDir}/actors`);
    const db = openDatabase(path, { readOnly: true });
    try {
      const { tokens } = await new ApiTokensRepository(new NodeSqliteDriver(db)).list({}, 10_000, 0);
      const views = tokens.map(toApiTokenView);
      if (args.flags.has("json")) say(JSON.stringify(views, null, 2));
      else {
        say(`${"id".padEnd(22)} ${"name".padEnd(20)} ${"scope".padEnd(6)} ${"app".padEnd(5)} ${"created".padEnd(24)} ${"last used".padEnd(24)} state`);
        for (const t of views) say(`${t.id.padEnd(22)} ${t.name.slice(0, 20).padEnd(20)} ${t.scope.padEnd(6)} ${String(t.appId ?? "-").padEnd(5)} ${t.createdAt.padEnd(24)} ${(t.lastUsedAt ?? "-").padEnd(24)} ${t.revoked ? "revoked" : "active"}`);
      }
    } finally {
      db.close();
    }
    return EXIT.ok;
  }
  if (action === "create") {
    if (!subject) throw new CliError("usage: token create <name> [--scope global|app --app <name>] [--allowed-ips a,b]", EXIT.usage);
    const scope = flag(args, "scope") ?? "global";
    if (scope !== "global" && scope !== "app") throw new CliError("--scope is global or app", EXIT.usage);
    const appName = flag(args, "app");
    if (scope === "app" && !appName) throw new CliError("--scope app needs --app <name>", EXIT.usage);
    const allowedIps = (flag(args, "allowed-ips") ?? "").split(",").map((ip) => ip.trim()).filter(Boolean);
    if (running(context).length > 0) {
      const created = await callApi(context, args, "POST", "/tokens", { name: subject, scope, ...(appName ? { appId: appName } : {}), allowedIps });
      say(`created ${created.id} (online, through the API at ${context.apiBase}); the token, shown once:`);
      say(created.token);
      return EXIT.ok;
    }
    const { db, driver } = await openRegistry(context);
    try {
      let appId: number | null = null;
      let tenantId = "platform";
      if (scope === "app") {
        const app = await driver.one<{ id: number; tenant_id: string | null }>({ text: "SELECT id, tenant_id FROM apps WHERE name = ?", params: [appName!] });
        if (!app) throw new CliError(`no app "${appName}"`);
        appId = app.id;
        tenantId = app.tenant_id ?? "platform";
      }
      const value = generateApiToken();
      const id = newId("tok");
      await new ApiTokensRepository(driver).insert({ id, name: subject, tokenHash: await hashApiToken(value), scope, appId, tenantId, allowedIps }, new Date().toISOString());
      say(`created ${id} (offline, directly in the Registry's database; the node is stopped); the token, shown once:`);
      say(value);
    } finally {
      db.close();
    }
    return EXIT.ok;
  }
  if (action === "revoke") {
    if (!subject) throw new CliError("usage: token revoke <id>", EXIT.usage);
    if (running(context).length > 0) {
      await callApi(context, args, "DELETE", `/tokens/${encodeURIComponent(subject)}`);
      say(`revoked ${subject} (online, through the API at ${context.apiBase})`);
      return EXIT.ok;
    }
    const { db, driver } = await openRegistry(context);
    try {
      const repo = new ApiTokensRepository(driver);
      if (!(await repo.findById(subject))) throw new CliError(`no token "${subject}"`);
      const revoked = await repo.revoke(subject, new Date().toISOString());
      say(`${revoked ? "revoked" : "already revoked:"} ${subject} (offline, directly in the Registry's database; the node is stopped)`);
    } finally {
      db.close();
    }
    return EXIT.ok;
  }
  throw new CliError("usage: token list | token create <name> … | token revoke <id>", EXIT.usage);
}

/** The hash format of core/crypto/password.ts (PBKDF2-SHA256, 100 000 iterations), computed with node:crypto. */
function hashPassword(password: string): string {
  const salt = nodeRandomBytes(16);
  const hash = pbkdf2Sync(password, salt, 100_000, 32, "sha256");
  return `pbkdf2-sha256$100000$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

async function admin(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { "password-stdin": "switch", token: "value" });
  const [action, email] = args.positional;
  if (action !== "create" || !email) throw new CliError("usage: admin create <email> [--password-stdin]", EXIT.usage);
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new CliError(`"${email}" is not an email address`, EXIT.usage);
  const stdinPassword = args.flags.has("password-stdin") ? readFileSync(0, "utf8").replace(/\r?\n$/, "") : null;
  if (stdinPassword !== null && stdinPassword.length < 12) throw new CliError("the password must be at least 12 characters", EXIT.usage);
  const password = stdinPassword ?? toBase64Url(randomBytes(18));
  const context = nodeContext();
  const normalized = email.toLowerCase();
  let how: string;
  if (running(context).length > 0) {
    await callApi(context, args, "POST", "/users", { email: normalized, password, isSuperadmin: true });
    how = `online, through the API at ${context.apiBase}`;
  } else {
    const { db, driver } = await openRegistry(context);
    try {
      const created = await new UsersRepository(driver).insert({ id: newId("usr"), email: normalized, passwordHash: hashPassword(password), status: "active", isSuperadmin: true }, new Date().toISOString());
      if (typeof created === "string") throw new CliError(`a user ${normalized} exists already`);
      how = "offline, directly in the Registry's database; the node is stopped";
    } finally {
      db.close();
    }
  }
  say(`created superadmin ${normalized} (${how})`);
  if (stdinPassword === null) say(`password (shown once): ${password}`);
  return EXIT.ok;
}

// ── backups ────────────────────────────────────────────────────────────────────

/** The operator's bucket for backups, from STREAMHUB_BACKUP_S3_* (null: none). */
function backupBucket(env: Record<string, string | undefined>): BackupBucket | null {
  const url = env.STREAMHUB_BACKUP_S3_URL;
  if (!url) return null;
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new CliError("STREAMHUB_BACKUP_S3_URL must be s3://<bucket>[/<prefix>]", EXIT.usage);
  const region = env.STREAMHUB_BACKUP_S3_REGION ?? "us-east-1";
  const missing = ["STREAMHUB_BACKUP_S3_ACCESS_KEY_ID", "STREAMHUB_BACKUP_S3_SECRET_ACCESS_KEY"].filter((name) => !env[name]);
  if (missing.length) throw new CliError(`STREAMHUB_BACKUP_S3_URL is set, so ${missing.join(" and ")} must be too`, EXIT.usage);
  return {
    endpoint: env.STREAMHUB_BACKUP_S3_ENDPOINT ?? (region === "us-east-1" ? "https://s3.amazonaws.com" : `https://s3.${region}.amazonaws.com`),
    bucket: match[1]!,
    prefix: match[2] ?? "",
    region,
    accessKeyId: env.STREAMHUB_BACKUP_S3_ACCESS_KEY_ID!,
    secretAccessKey: env.STREAMHUB_BACKUP_S3_SECRET_ACCESS_KEY!,
  };
}

function backupPassphrase(args: Args): string | undefined {
  const file = flag(args, "key-file");
  const key = file ? readFileSync(file, "utf8").trim() : process.env.STREAMHUB_BACKUP_KEY;
  if (key !== undefined && key.length < 16) throw new CliError("the backup key (STREAMHUB_BACKUP_KEY or --key-file) must be at least 16 characters", EXIT.usage);
  return key || undefined;
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new CliError(`${name} must be a whole number ≥ 1`, EXIT.usage);
  return parsed;
}

async function backup(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { out: "value", keep: "value", "key-file": "value" });
  const context = nodeContext();
  const outDir = resolve(flag(args, "out") ?? process.env.STREAMHUB_BACKUP_DIR ?? join(context.dataDir, "backups"));
  const keep = positiveInt(flag(args, "keep") ?? process.env.STREAMHUB_BACKUP_KEEP, 96, "--keep / STREAMHUB_BACKUP_KEEP");
  const passphrase = backupPassphrase(args);
  const bucket = backupBucket(process.env);
  // The archive holds secrets.json: it leaves the machine only encrypted.
  if (bucket && !passphrase) throw new CliError("uploading to STREAMHUB_BACKUP_S3_URL needs STREAMHUB_BACKUP_KEY: the archive holds the node's secrets and leaves this machine only encrypted", EXIT.usage);
  const started = Date.now();
  const made = await createBackup({ dataDir: context.dataDir, outDir, passphrase });
  const counts = made.manifest.databases.reduce<Record<string, number>>((sum, db) => ({ ...sum, [db.kind]: (sum[db.kind] ?? 0) + 1 }), {});
  say(
    `backed up ${made.manifest.databases.length} databases (${Object.entries(counts).map(([kind, n]) => `${n} ${kind}`).join(", ")})${made.manifest.secrets ? " and secrets.json" : ""} into ${made.path} (${(made.bytes / 1024).toFixed(1)} KB, ${passphrase ? "encrypted" : "NOT encrypted: keep it private, it holds secrets.json"}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const pruned = pruneBackups(outDir, keep);
  if (pruned.length) say(`retention: removed ${pruned.length} older archive${pruned.length === 1 ? "" : "s"} from ${outDir} (keeping ${keep})`);
  if (bucket) {
    const key = await uploadBackup(bucket, made.path);
    say(`uploaded to s3://${bucket.bucket}/${key}`);
    const keepRemote = positiveInt(process.env.STREAMHUB_BACKUP_S3_KEEP, keep, "STREAMHUB_BACKUP_S3_KEEP");
    const removed = await pruneUploadedBackups(bucket, keepRemote);
    if (removed.length) say(`retention: removed ${removed.length} older archive${removed.length === 1 ? "" : "s"} from the bucket (keeping ${keepRemote})`);
  }
  return EXIT.ok;
}

async function restore(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { force: "switch", "key-file": "value" });
  const [source] = args.positional;
  if (!source) throw new CliError("usage: restore <archive | s3:latest | s3:<key>> [--force]", EXIT.usage);
  const context = nodeContext();
  requireStopped(context, "restore");
  let archive = resolve(source);
  let downloaded: string | null = null;
  if (source.startsWith("s3:")) {
    const bucket = backupBucket(process.env);
    if (!bucket) throw new CliError("restoring from S3 needs STREAMHUB_BACKUP_S3_URL and its keys", EXIT.usage);
    const key = source === "s3:latest" ? (await listUploadedBackups(bucket)).at(-1) : source.slice(3);
    if (!key) throw new CliError(`no backups in s3://${bucket.bucket}/${bucket.prefix}`);
    mkdirSync(context.dataDir, { recursive: true, mode: 0o700 });
    downloaded = archive = join(context.dataDir, `.download-${process.pid}-${key.split("/").pop()}`);
    await downloadBackup(bucket, key, archive);
    say(`downloaded s3://${bucket.bucket}/${key}`);
  } else if (!existsSync(archive)) throw new CliError(`no such archive: ${archive}`, EXIT.usage);
  try {
    const restored = await restoreBackup({ archive, dataDir: context.dataDir, passphrase: backupPassphrase(args), force: args.flags.has("force") });
    const kinds = restored.manifest.databases;
    const apps = kinds.filter((db) => db.kind === "app").map((db) => db.app ?? "?");
    const registry = openDatabase(registryDatabase(context.dataDir)!, { readOnly: true });
    const count = (table: string) => (registry.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const held = `${count("apps")} apps, ${count("api_tokens")} API tokens, ${count("users")} users, ${count("tenants")} tenants`;
    registry.close();
    say(
      `restored ${kinds.length} databases from ${restored.manifest.createdAt} (${restored.manifest.host}) into ${context.dataDir}: the Registry (${held}), ${apps.length} app databases (${apps.join(", ") || "none"}), ${kinds.filter((db) => db.kind === "quota").length} quota ledgers`,
    );
    if (restored.movedAside) say(`what was in DATA_DIR before is in ${restored.movedAside}`);
    say(
      restored.secrets === "absent"
        ? "the archive has no secrets.json: start the node with the STREAMHUB_SECRET_KEY of the node it was taken from"
        : `secrets.json ${restored.secrets === "kept" ? "was already the archive's" : "restored"}; an operator's STREAMHUB_SECRET_KEY, if set, must be the backed-up node's`,
    );
    say("start the node, then run `npm run streamhub -- doctor`");
  } finally {
    if (downloaded) rmSync(downloaded, { force: true });
  }
  return EXIT.ok;
}

// ── rotate-secret-key ─────────────────────────────────────────────────────────

/**
 * Offline only: the running Worker holds the old key in its environment and
 * would go on sealing (and failing to open) with it. Resumable: the new key
 * is written to `secrets.json.rotating` before anything else changes, each
 * value already sealed under it is left as is, and secrets.json takes the new
 * key only once every database is done.
 */
async function rotateSecretKey(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { "new-key-file": "value" });
  const context = nodeContext();
  requireStopped(context, "rotate the key");
  const oldKey = context.env.STREAMHUB_SECRET_KEY;
  if (!oldKey) throw new CliError("STREAMHUB_SECRET_KEY is unset and DATA_DIR has no secrets.json: there is no key to rotate");
  const fromEnvironment = Boolean(process.env.STREAMHUB_SECRET_KEY);
  const pendingFile = `${secretsPath(context.dataDir)}.rotating`;
  const newKeyFile = flag(args, "new-key-file");
  let newKey: string;
  if (existsSync(pendingFile)) {
    newKey = (JSON.parse(readFileSync(pendingFile, "utf8")) as { STREAMHUB_SECRET_KEY: string }).STREAMHUB_SECRET_KEY;
    say(`resuming the rotation recorded in ${pendingFile}`);
  } else if (newKeyFile) {
    newKey = readFileSync(newKeyFile, "utf8").trim();
  } else if (fromEnvironment) {
    throw new CliError("STREAMHUB_SECRET_KEY comes from the environment: write the new key (≥ 32 characters) to a file, pass --new-key-file, then set the variable to it", EXIT.usage);
  } else {
    newKey = toBase64Url(randomBytes(32));
  }
  if (newKey.length < 32) throw new CliError("the new key must be at least 32 characters", EXIT.usage);
  if (newKey === oldKey) throw new CliError("the new key is the current key", EXIT.usage);
  writeFileSync(pendingFile, `${JSON.stringify({ STREAMHUB_SECRET_KEY: newKey })}\n`, { mode: 0o600 });

  const [oldBox, newBox] = await Promise.all([secretBoxKey(oldKey), secretBoxKey(newKey)]);
  const apps = listDatabases(context.dataDir).filter((db) => db.kind === "app");
  // First every value is checked, nothing written: a value neither key opens stops the rotation.
  const plan: { path: string; updates: { text: string; params: string[] }[]; done: number }[] = [];
  const unopenable: string[] = [];
  for (const file of apps) {
    const path = join(context.dataDir, file.path);
    const db = openDatabase(path, { readOnly: true });
    const entry = { path, updates: [] as { text: string; params: string[] }[], done: 0 };
    try {
      const app = appNameOf(db);
      if (!app) continue;
      for (const value of sealedValues(db, app)) {
        const plaintext = await openSecret(oldBox, value.sealed, value.context).catch(() => null);
        if (plaintext !== null) entry.updates.push({ text: value.update.text, params: [await sealSecret(newBox, plaintext, value.context), ...value.update.params] });
        else if ((await openSecret(newBox, value.sealed, value.context).catch(() => null)) !== null) entry.done++;
        else unopenable.push(value.label);
      }
    } finally {
      db.close();
    }
    plan.push(entry);
  }
  if (unopenable.length) {
    throw new CliError(`neither the current nor the new key opens ${unopenable.length} stored secrets (${unopenable.slice(0, 3).join("; ")}): nothing was changed; is STREAMHUB_SECRET_KEY the node's key?`);
  }
  let resealed = 0;
  for (const entry of plan) {
    if (entry.updates.length === 0) continue;
    const db = openDatabase(entry.path, { readOnly: false });
    try {
      await new NodeSqliteDriver(db).batch(entry.updates);
      resealed += entry.updates.length;
    } finally {
      db.close();
    }
  }
  const already = plan.reduce((sum, entry) => sum + entry.done, 0);
  say(`re-sealed ${resealed} secrets in ${plan.length} app databases under the new key${already ? ` (${already} were already)` : ""}`);
  if (fromEnvironment) {
    rmSync(pendingFile);
    say(`now set STREAMHUB_SECRET_KEY to the new key (from ${newKeyFile ?? "the file you gave"}) where the node reads it (/etc/streamhub.env), then start the node; the old key opens nothing any more`);
  } else {
    const file = secretsPath(context.dataDir);
    const secrets = { ...(JSON.parse(readFileSync(file, "utf8")) as NodeSecrets), STREAMHUB_SECRET_KEY: newKey };
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
    rmSync(pendingFile);
    say(`secrets.json holds the new key; start the node. Backups made before now need the old key's secrets.json`);
  }
  return EXIT.ok;
}

// ── agent ──────────────────────────────────────────────────────────────────────

async function agent(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { origin: "value", name: "value", ip: "value", region: "value", "livekit-url": "value", "livekit-api": "value", "interval-s": "value" });
  // Flags, or the environment (selfhost/systemd/streamhub-agent.service reads /etc/streamhub-agent.env).
  const origin = flag(args, "origin") ?? process.env.STREAMHUB_ORIGIN;
  const clusterToken = process.env.STREAMHUB_CLUSTER_TOKEN;
  const name = flag(args, "name") ?? process.env.STREAMHUB_NODE_NAME;
  const ip = flag(args, "ip") ?? process.env.STREAMHUB_NODE_IP;
  if (!origin || !name || !ip) throw new CliError("usage: agent --origin <StreamHub URL> --name <node name> --ip <address> [--livekit-url <wss URL>] [--region R]", EXIT.usage);
  if (!clusterToken) throw new CliError("set STREAMHUB_CLUSTER_TOKEN to the origin's cluster token (GET /api/v1/cluster/info)", EXIT.usage);
  const running = runAgent({
    origin,
    clusterToken,
    name,
    ip,
    region: flag(args, "region") ?? process.env.STREAMHUB_NODE_REGION,
    livekitUrl: flag(args, "livekit-url") ?? process.env.STREAMHUB_NODE_LIVEKIT_URL,
    livekitApi: flag(args, "livekit-api") ?? process.env.STREAMHUB_NODE_LIVEKIT_API,
    intervalMs: positiveInt(flag(args, "interval-s"), 60, "--interval-s") * 1000,
  });
  await running.joined.catch((error: Error) => {
    throw new CliError(`could not join ${origin}: ${error.message}`);
  });
  await new Promise<void>((resolveStop) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolveStop());
  });
  running.stop();
  return EXIT.ok;
}

// ── entry ──────────────────────────────────────────────────────────────────────

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  doctor: () => doctor(),
  token,
  admin,
  backup,
  restore,
  "rotate-secret-key": rotateSecretKey,
  agent,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    process.stderr.write(`usage: npm run streamhub -- <${Object.keys(COMMANDS).join(" | ")}> …  (README "Operations")\n`);
    return EXIT.usage;
  }
  try {
    return await run(rest);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`streamhub ${command}: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof BackupError || error instanceof ConfigError) {
      process.stderr.write(`streamhub ${command}: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(await main(process.argv.slice(2)));
