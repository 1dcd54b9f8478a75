// `npm start`: the production path. Validates the whole configuration in one
// pass before it writes anything, generates the first-run secrets, bundles the
// Worker when its sources changed since the last build (never from a read-only
// code folder: there the build happens at install), and runs it under plain
// `workerd serve` with selfhost/workerd.capnp, actor databases under DATA_DIR.
// Unless LIVEKIT_URL names a LiveKit server, it also runs a local one on
// loopback (selfhost/local-livekit.ts). A stop of any process of the tree
// (npm, this one, workerd) stops all of it.
import { spawn } from "node:child_process";
import { accessSync, constants, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { configIssues, type ConfigIssue } from "../core/config.ts";
import { nodeConfigIssues, nodeConfigSchema, type NodeConfig } from "./node-config.ts";
import { ASSETS_DIR, ROOT, buildWorker, workerIsCurrent } from "./build.ts";
import { buildSdk, sdkIsCurrent } from "./build-sdk.ts";
import { buildWeb, webIsCurrent } from "./build-web.ts";
import { findLiveKitBinary, launchLocalLiveKit, type LocalLiveKit } from "./local-livekit.ts";
import {
  checkSecretKey,
  firstRunTokenPath,
  forgetFirstRunToken,
  generateSecrets,
  loadOrCreateLiveKitKeys,
  pendingFirstRunToken,
  readSecrets,
  secretsPath,
  writeNewSecrets,
  type NodeSecrets,
} from "./secrets.ts";
import { pipeAsJsonLines } from "./workerd-log.ts";

/** The workerd binary that wrangler, miniflare and the vitest plugin also use. */
const workerdBinary = join(dirname(createRequire(import.meta.url).resolve("workerd/package.json")), "bin", "workerd");

/** A reason not to start, said in one line (no stack trace). */
export class StartError extends Error {}

/** What a start would do, worked out from the environment and DATA_DIR without writing anything. */
export interface StartPlan {
  node: NodeConfig;
  dataDir: string;
  /** The secrets in DATA_DIR/secrets.json, or those a first run will write there. */
  secrets: NodeSecrets;
  firstRun: boolean;
  /** Whether a local LiveKit is wanted (LIVEKIT_URL unset and STREAMHUB_LOCAL_LIVEKIT=auto). */
  localLiveKit: boolean;
  /** The Worker's environment: the operator's settings, generated secrets filling only what is unset. */
  env: NodeJS.ProcessEnv;
}

const describe = (issues: readonly ConfigIssue[]) => issues.map((issue) => `${String(issue.path[0] ?? "config")} ${issue.message}`);

/**
 * Checks every setting — `npm start`'s own and the Worker's — in one pass and
 * reads (never writes) DATA_DIR/secrets.json; throws a StartError naming every
 * bad variable at once. The operations CLI (`doctor`) can call it as it is.
 */
export function planStart(environment: NodeJS.ProcessEnv = process.env): StartPlan {
  const problems = describe(nodeConfigIssues(environment));
  const node = problems.length === 0 ? nodeConfigSchema.parse(environment) : nodeConfigSchema.parse({});
  const dataDir = resolve(environment.DATA_DIR || node.DATA_DIR);
  let existing: NodeSecrets | null = null;
  try {
    existing = readSecrets(dataDir);
  } catch (error) {
    problems.push(`DATA_DIR: ${(error as Error).message}`);
  }
  const secrets = existing ?? generateSecrets();

  const env: NodeJS.ProcessEnv = { ...environment };
  for (const [name, value] of Object.entries(secrets)) if (!env[name] && !name.startsWith("LIVEKIT_")) env[name] = value;
  const localLiveKit = !environment.LIVEKIT_URL && node.STREAMHUB_LOCAL_LIVEKIT === "auto";
  // The local LiveKit's keys exist only once its binary is found; check the rest of the settings as they will be.
  const checked = { ...env };
  if (localLiveKit && !checked.LIVEKIT_API_KEY && !checked.LIVEKIT_API_SECRET) {
    Object.assign(checked, { LIVEKIT_URL: `ws://127.0.0.1:${node.LIVEKIT_LOCAL_PORT}`, LIVEKIT_API_KEY: "APIplanned", LIVEKIT_API_SECRET: "planned-local-livekit-secret-0123456789" });
  }
  problems.push(...describe(configIssues(checked)));
  if (problems.length > 0) throw new StartError(`invalid configuration: ${problems.join("; ")}`);
  return { node, dataDir, secrets, firstRun: existing === null, localLiveKit, env };
}

/** Creates DATA_DIR (mode 0700) and proves this user may write there; a StartError in one line if not. */
export function prepareDataDir(dataDir: string): void {
  const actorsDir = join(dataDir, "actors");
  try {
    mkdirSync(actorsDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.W_OK);
    accessSync(actorsDir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new StartError(`DATA_DIR ${dataDir} is not writable by ${userInfo().username} (${code}); set DATA_DIR to a folder this user owns`);
  }
}

/** Whether this user may write the code folder (it may not under systemd: the build happens at install). */
function codeIsWritable(): boolean {
  try {
    accessSync(ROOT, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Builds what is out of date, or refuses when the code folder is read-only. */
async function ensureBuilt(say: (line: string) => void): Promise<void> {
  if (process.env.STREAMHUB_SKIP_BUILD === "1") return;
  const stale = [
    { name: "the Worker", current: workerIsCurrent, build: () => buildWorker({ quiet: true }) },
    { name: "the browser SDK and player", current: sdkIsCurrent, build: () => buildSdk() },
    { name: "the dashboard", current: webIsCurrent, build: () => buildWeb({ quiet: true }) },
  ].filter((part) => !part.current());
  if (stale.length === 0) return;
  if (!codeIsWritable()) {
    throw new StartError(
      `${stale.map((part) => part.name).join(", ")} not built for this code, and ${ROOT} is read-only to ${userInfo().username}: build at install (\`npm run build\` as the code's owner; selfhost/install.sh does it)`,
    );
  }
  for (const part of stale) {
    say(`building ${part.name} (new or changed sources)`);
    await part.build();
  }
}

/** True under a systemd service, whose output goes to the journal. */
const underSystemd = () => Boolean(process.env.INVOCATION_ID || process.env.JOURNAL_STREAM);

async function main() {
  const say = (line: string) => process.stdout.write(`streamhub: ${line}\n`);

  // Everything is checked before anything is written.
  const plan = planStart(process.env);
  const { node, dataDir, env } = plan;
  // Databases and secrets are readable by this user only.
  process.umask(0o077);
  prepareDataDir(dataDir);
  if (plan.firstRun) writeNewSecrets(dataDir, plan.secrets, { keepToken: !process.env.STREAMHUB_API_TOKEN });

  if ((await checkSecretKey(dataDir, env.STREAMHUB_SECRET_KEY!)) === "wrong") {
    throw new StartError(
      `STREAMHUB_SECRET_KEY does not open the secrets stored in ${dataDir} (it is not the key they were sealed with): set it back to that key (see ${secretsPath(dataDir)} and your backups)`,
    );
  }

  await ensureBuilt(say);

  // The media plane: the operator's LiveKit (LIVEKIT_URL), or one of our own on loopback.
  let localLiveKit: { binary: string; source: string; apiKey: string; apiSecret: string } | null = null;
  if (plan.localLiveKit) {
    const found = findLiveKitBinary({ build: codeIsWritable() || Boolean(process.env.LIVEKIT_CACHE_DIR) });
    if (found.path === null) {
      say(`no local LiveKit (${found.reason}): serving the API alone; set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET to use a LiveKit server (README: "LiveKit")`);
    } else {
      const keys = env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET ? { apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET } : loadOrCreateLiveKitKeys(dataDir);
      localLiveKit = { binary: found.path, source: found.source, ...keys };
      Object.assign(env, { LIVEKIT_URL: `ws://127.0.0.1:${node.LIVEKIT_LOCAL_PORT}`, LIVEKIT_API_KEY: keys.apiKey, LIVEKIT_API_SECRET: keys.apiSecret });
    }
  }

  const address = node.HOST.includes(":") ? `[${node.HOST}]:${node.PORT}` : `${node.HOST}:${node.PORT}`;
  const workerd = spawn(
    workerdBinary,
    ["serve", `${ROOT}selfhost/workerd.capnp`, "--socket-addr", `http=${address}`, "--directory-path", `data=${join(dataDir, "actors")}`, "--directory-path", `assets=${ASSETS_DIR}`],
    { env, stdio: ["inherit", "inherit", "pipe"] },
  );
  // One log format: workerd's own lines are wrapped into the Worker's JSON lines.
  // The Worker's info lines (the access log among them: one per request) are JSON already and go
  // straight to stdout; workerd's own diagnostics come on stderr, where each line is made JSON.
  pipeAsJsonLines(workerd.stderr!, process.stderr, "warn");

  const base = `http://${address}`;
  say(`serving on ${base} (data in ${dataDir})`);

  // The first-run token stays in its file until it has been shown on a node that served.
  const token = pendingFirstRunToken(dataDir);
  const print = node.STREAMHUB_PRINT_SECRETS === "auto" ? !underSystemd() : node.STREAMHUB_PRINT_SECRETS === "1";
  const showToken = token !== null && print;
  if (token !== null && !showToken) {
    say(`first run: your global API token is in ${firstRunTokenPath(dataDir)} (mode 0600); store it, then delete the file`);
  } else if (token !== null) {
    process.stdout.write(
      [
        `streamhub: first run: generated secrets in ${secretsPath(dataDir)} (mode 0600, keep it in your backups)`,
        `streamhub: your global API token (shown once): ${token}`,
        `streamhub: try: curl -H "Authorization: Bearer ${token}" ${base}/api/v1/apps`,
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

  // One way down for the whole tree: a signal to this process, workerd's exit, or the loss of
  // npm, its parent under `npm start` (npm forwards SIGTERM and SIGINT, but a SIGKILL is not forwarded).
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (workerd.exitCode === null && workerd.signalCode === null) workerd.kill(signal);
    setTimeout(() => workerd.kill("SIGKILL"), 10_000).unref();
    void livekit?.stop();
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(signal === "SIGHUP" ? "SIGTERM" : signal));
  // Only under `npm start`: started by hand with nohup or setsid, losing the parent is expected.
  const parent = process.ppid;
  const orphaned = setInterval(() => process.env.npm_lifecycle_event && process.ppid !== parent && stop("SIGTERM"), 500);
  orphaned.unref();

  if (showToken) void forgetTokenOnceServing(base, dataDir, workerd);

  workerd.on("exit", async (code, signal) => {
    const expected = stopping;
    stopping = true;
    clearInterval(orphaned);
    await livekit?.stop();
    if (!expected) say(`workerd exited (${signal ?? code}); stopping`);
    process.exit(expected ? 0 : (code ?? 1) || 1);
  });
}

/** Once the node answers, the printed first-run token has been seen: it is not printed again. */
async function forgetTokenOnceServing(base: string, dataDir: string, workerd: { exitCode: number | null; signalCode: NodeJS.Signals | null }) {
  while (workerd.exitCode === null && workerd.signalCode === null) {
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) return forgetFirstRunToken(dataDir);
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    process.stderr.write(`streamhub: ${error instanceof StartError ? error.message : (error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}
