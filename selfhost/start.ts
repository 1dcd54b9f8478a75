// `npm start`: the production path. Validates the configuration, generates the
// first-run secrets, bundles the Worker when its sources changed since the last
// build, and runs it under plain `workerd serve` with selfhost/workerd.capnp,
// actor databases under DATA_DIR. Unless LIVEKIT_URL names a LiveKit server,
// it also runs a local one on loopback (selfhost/local-livekit.ts) and stops it
// on shutdown.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { ConfigError, parseConfig, parseNodeConfig } from "../core/config.ts";
import { ASSETS_DIR, ROOT, buildWorker, workerIsCurrent } from "./build.ts";
import { buildSdk, sdkIsCurrent } from "./build-sdk.ts";
import { buildWeb, webIsCurrent } from "./build-web.ts";
import { findLiveKitBinary, launchLocalLiveKit, type LocalLiveKit } from "./local-livekit.ts";
import { loadOrCreateLiveKitKeys, loadOrCreateSecrets, secretsPath } from "./secrets.ts";
import { pipeAsJsonLines } from "./workerd-log.ts";

/** The workerd binary that wrangler, miniflare and the vitest plugin also use. */
const workerdBinary = join(dirname(createRequire(import.meta.url).resolve("workerd/package.json")), "bin", "workerd");

function fail(message: string): never {
  process.stderr.write(`streamhub: ${message}\n`);
  process.exit(1);
}

const say = (line: string) => process.stdout.write(`streamhub: ${line}\n`);

async function main() {
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
  for (const [name, value] of Object.entries(secrets)) if (!env[name] && !name.startsWith("LIVEKIT_")) env[name] = value;

  // The media plane: the operator's LiveKit (LIVEKIT_URL), or one of our own on loopback.
  let localLiveKit: { binary: string; source: string; apiKey: string; apiSecret: string } | null = null;
  if (!process.env.LIVEKIT_URL && node.STREAMHUB_LOCAL_LIVEKIT === "auto") {
    const found = findLiveKitBinary({ build: true });
    if (found.path === null) {
      say(`no local LiveKit (${found.reason}): serving the API alone; set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET to use a LiveKit server (README: "LiveKit")`);
    } else {
      const keys = env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET ? { apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET } : loadOrCreateLiveKitKeys(dataDir);
      localLiveKit = { binary: found.path, source: found.source, ...keys };
      Object.assign(env, { LIVEKIT_URL: `ws://127.0.0.1:${node.LIVEKIT_LOCAL_PORT}`, LIVEKIT_API_KEY: keys.apiKey, LIVEKIT_API_SECRET: keys.apiSecret });
    }
  }

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
  if (process.env.STREAMHUB_SKIP_BUILD !== "1" && !sdkIsCurrent()) {
    process.stdout.write("streamhub: building the browser SDK and player (new or changed sources)\n");
    await buildSdk();
  }
  if (process.env.STREAMHUB_SKIP_BUILD !== "1" && !webIsCurrent()) {
    process.stdout.write("streamhub: building the dashboard (new or changed sources)\n");
    await buildWeb({ quiet: true });
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
    { env, stdio: ["inherit", "pipe", "pipe"] },
  );
  // One log format: workerd's own lines are wrapped into the Worker's JSON lines.
  pipeAsJsonLines(workerd.stdout!, process.stdout, "info");
  pipeAsJsonLines(workerd.stderr!, process.stderr, "warn");

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

  // LiveKit starts beside workerd rather than before it: the API serves at once, and LiveKit's
  // webhooks are retried by LiveKit should one arrive before workerd listens. Its handle is kept
  // from the first moment, so that a stop while it is still starting stops it too.
  let livekit: LocalLiveKit | null = null;
  let stopping = false;
  if (localLiveKit) {
    const webhookHost = ["0.0.0.0", "::"].includes(node.HOST) ? "127.0.0.1" : node.HOST.includes(":") ? `[${node.HOST}]` : node.HOST;
    const dir = resolve(dataDir, "livekit");
    // A LiveKit that dies after it served is started again, a little later each time it dies
    // soon after starting (up to a minute); one that could not start at all is left alone.
    let backoffMs = 1_000;
    const run = () => {
      const started = (livekit = launchLocalLiveKit({
        binary: localLiveKit.binary,
        dir,
        apiKey: localLiveKit.apiKey,
        apiSecret: localLiveKit.apiSecret,
        ports: { http: node.LIVEKIT_LOCAL_PORT, rtcUdp: node.LIVEKIT_LOCAL_PORT + 2 },
        webhookUrl: `http://${webhookHost}:${node.PORT}/api/v1/webhooks/livekit`,
        onOutput: (line) => process.stdout.write(`livekit: ${line}\n`),
      }));
      started.ready.then(
        () => {
          const servedAt = Date.now();
          say(`local LiveKit (${localLiveKit.source}) on ${started.url}, development mode, loopback only (config in ${dir})`);
          void started.exited.then((code) => {
            if (stopping) return;
            backoffMs = Date.now() - servedAt > 60_000 ? 1_000 : Math.min(backoffMs * 2, 60_000);
            say(`the local LiveKit exited (${code}); starting it again in ${backoffMs / 1000} s (meanwhile health says it is unreachable)`);
            setTimeout(() => !stopping && run(), backoffMs).unref();
          });
        },
        (error: Error) => {
          if (!stopping) say(`the local LiveKit could not start, so the API serves without a media plane: ${error.message.split("\n").slice(0, 3).join(" | ")}`);
        },
      );
    };
    run();
  }

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      stopping = true;
      workerd.kill(signal);
      void livekit?.stop();
    });
  }
  workerd.on("exit", async (code, signal) => {
    stopping = true;
    await livekit?.stop();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

await main();
