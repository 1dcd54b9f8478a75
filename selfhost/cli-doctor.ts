// `doctor`: one line per check (ok, warn, FAIL) on the node as configured.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { liveKitApi, TwirpError } from "../core/livekit-api.ts";
import { ConfigError, parseConfig } from "../core/config.ts";
import { openSecret, secretBoxKey } from "../core/crypto/secret-box.ts";
import { ARCHIVE_PATTERN } from "./backup.ts";
import { EXIT, nodeContext, running, say, type NodeContext } from "./cli-context.ts";
import { listDatabases, openDatabase } from "./cli-db.ts";
import { appNameOf, sealedValues } from "./cli-sealed.ts";

type Verdict = "ok" | "warn" | "FAIL";

export async function doctor(): Promise<number> {
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
    try {
      const rooms = await liveKitApi({ url: livekitUrl, apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET }).rooms.listRooms();
      report("ok", "LiveKit", `${livekitUrl} answers and accepts our keys (${rooms.length} rooms)`);
    } catch (error) {
      const status = error instanceof TwirpError ? error.status : undefined;
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
