// `npm run dev`: the same Worker under `wrangler dev` (live reload, local
// actors under DATA_DIR/wrangler). Secrets come from the environment or, like
// `npm start`, from DATA_DIR/secrets.json, generated on first run.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError, configSettings } from "../core/config.ts";
import { parseNodeConfig } from "./node-config.ts";
import { ASSETS_DIR, ROOT, toolEnv } from "./build.ts";
import { loadOrCreateSecrets } from "./secrets.ts";

let node;
try {
  node = parseNodeConfig(process.env);
} catch (error) {
  process.stderr.write(`streamhub: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
process.umask(0o077);
const dataDir = resolve(node.DATA_DIR);
mkdirSync(dataDir, { recursive: true });
mkdirSync(ASSETS_DIR, { recursive: true });

const { secrets, created } = loadOrCreateSecrets(dataDir);
// wrangler dev takes bindings from env files, not from its own environment:
// the settings of this process (they win) and the generated secrets go into
// one file readable by this user only, so no secret shows in `ps`.
const settings = new Map<string, string>(Object.entries(secrets));
for (const name of Object.keys(configSettings)) {
  const value = process.env[name];
  if (value) settings.set(name, value);
}
const envFile = join(dataDir, "dev.env");
const lines = [...settings].map(([name, value]) => `${name}=${JSON.stringify(value)}`);
writeFileSync(envFile, `${lines.join("\n")}\n`, { mode: 0o600 });
if (created) process.stdout.write(`streamhub: your global API token (shown once): ${secrets.STREAMHUB_API_TOKEN}\n`);

const args = [
  `${ROOT}node_modules/wrangler/bin/wrangler.js`,
  "dev",
  "--ip",
  node.HOST,
  "--port",
  String(node.PORT),
  "--persist-to",
  join(dataDir, "wrangler"),
  "--env-file",
  envFile,
  "--show-interactive-dev-session=false",
];
const wrangler = spawn(process.execPath, args, { cwd: ROOT, env: toolEnv(), stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => wrangler.kill(signal));
wrangler.on("exit", (code) => process.exit(code ?? 1));
