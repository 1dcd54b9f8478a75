// `npm start`: the production path. Validates the configuration, generates the
// first-run secrets, bundles the Worker when its sources changed since the last
// build, and runs it under plain `workerd serve` with selfhost/workerd.capnp,
// actor databases under DATA_DIR.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { ConfigError, parseConfig, parseNodeConfig } from "../core/config.ts";
import { ASSETS_DIR, ROOT, buildWorker, workerIsCurrent } from "./build.ts";
import { loadOrCreateSecrets, secretsPath } from "./secrets.ts";

/** The workerd binary that wrangler, miniflare and the vitest plugin also use. */
const workerdBinary = join(dirname(createRequire(import.meta.url).resolve("workerd/package.json")), "bin", "workerd");

function fail(message: string): never {
  process.stderr.write(`streamhub: ${message}\n`);
  process.exit(1);
}

function main() {
  let node;
  try {
    node = parseNodeConfig(process.env);
  } catch (error) {
    fail(error instanceof ConfigError ? error.message : String(error));
  }
  // Databases and secrets are readable by this user only.
  process.umask(0o077);
  const dataDir = resolve(node.DATA_DIR);
  const actorsDir = resolve(dataDir, "actors");
  mkdirSync(actorsDir, { recursive: true, mode: 0o700 });

  // The operator's environment wins; generated secrets fill only what is unset.
  const { secrets, created } = loadOrCreateSecrets(dataDir);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(secrets)) if (!env[name]) env[name] = value;

  try {
    parseConfig(env);
  } catch (error) {
    fail(error instanceof ConfigError ? error.message : String(error));
  }

  // The e2e harness builds once for all its nodes and sets STREAMHUB_SKIP_BUILD=1.
  if (process.env.STREAMHUB_SKIP_BUILD !== "1" && !workerIsCurrent()) {
    process.stdout.write("streamhub: bundling the Worker (new or changed sources)\n");
    buildWorker({ quiet: true });
  }

  const address = node.HOST.includes(":") ? `[${node.HOST}]:${node.PORT}` : `${node.HOST}:${node.PORT}`;
  const workerd = spawn(
    workerdBinary,
    [
      "serve",
      `${ROOT}selfhost/workerd.capnp`,
      "--socket-addr",
      `http=${address}`,
      "--directory-path",
      `data=${actorsDir}`,
      "--directory-path",
      `assets=${ASSETS_DIR}`,
    ],
    { env, stdio: "inherit" },
  );

  const base = `http://${address}`;
  process.stdout.write(`streamhub: serving on ${base} (data in ${dataDir})\n`);
  if (created && !process.env.STREAMHUB_API_TOKEN) {
    // Shown once: the file keeps it, but nothing prints it again.
    process.stdout.write(
      [
        "streamhub: first run: generated secrets in " + secretsPath(dataDir) + " (mode 0600, keep it in your backups)",
        `streamhub: your global API token (shown once): ${secrets.STREAMHUB_API_TOKEN}`,
        `streamhub: try: curl -H "Authorization: Bearer ${secrets.STREAMHUB_API_TOKEN}" ${base}/api/v1/apps`,
        "",
      ].join("\n"),
    );
  }

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => workerd.kill(signal));
  }
  workerd.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
