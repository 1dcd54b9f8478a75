// `token list|create|revoke` and `admin create`: access to the node without
// the dashboard — online through the API while the node runs, directly on the
// Registry's database while it is stopped (never both at once: a second
// writer beside workerd would make workerd's own writes wait or fail).
import { readFileSync } from "node:fs";
import { pbkdf2Sync, randomBytes as nodeRandomBytes } from "node:crypto";
import { generateApiToken, hashApiToken } from "../core/crypto/api-token.ts";
import { randomBytes, toBase64Url } from "../core/crypto/encoding.ts";
import { ApiTokensRepository, toApiTokenView } from "../durable/registry/api-tokens.repo.ts";
import { UsersRepository } from "../durable/registry/users.repo.ts";
import { callApi, CliError, EXIT, flag, nodeContext, openRegistry, parseArgs, running, say } from "./cli-context.ts";
import { NodeSqliteDriver, openDatabase, registryDatabase } from "./cli-db.ts";

const newId = (prefix: string) => `${prefix}_${toBase64Url(randomBytes(12))}`;

export async function token(argv: string[]): Promise<number> {
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

export async function admin(argv: string[]): Promise<number> {
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
