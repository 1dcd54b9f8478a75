// Start-up times, spawn to the first 200: `npm start` (selfhost/start.ts under
// the project's pinned Node, as `npm start` runs it, with a fresh DATA_DIR and
// the bundle already built — so only what start.ts itself does counts);
// workerd alone with StreamHub's bundle and config (what start.ts spawns, to
// the first 200 on health), on a fresh data folder (a first start: the first
// health check creates the Registry's database) and, for reference, on the
// data a previous start left (a restart); and workerd with the bare baseline Worker.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../selfhost/build.ts";
import { freePort } from "../../test/e2e/harness.ts";
import { startBaseline, workerdBinary } from "./baseline.ts";
import { firstOk, onCleanup, spawnGroup } from "./processes.ts";

type Launch = (dataDir: string, port: number) => { command: string; args: string[]; env: NodeJS.ProcessEnv };

/**
 * Spawns what `launch` says `runs` times, each with a data folder of its own
 * (empty, or a copy of `from`) and a free port, and times spawn → first 200 on health.
 */
async function timeToHealth(runs: number, launch: Launch, from?: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), "streamhub-bench-start-"));
    if (from) cpSync(from, dataDir, { recursive: true });
    const removeDataDir = onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const { command, args, env } = launch(dataDir, port);
    const started = performance.now();
    const child = spawnGroup(command, args, { cwd: ROOT, env });
    try {
      // Polled as often as the bare Worker is (startBaseline): the same resolution on both sides.
      times.push(await firstOk(`http://127.0.0.1:${port}/api/v1/health`, child, started, 60_000));
    } finally {
      await child.stop();
      await removeDataDir.run();
    }
  }
  return times;
}

export function timeNpmStart(runs: number): Promise<number[]> {
  return timeToHealth(runs, (dataDir, port) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" };
    // A first run as an operator would make it: nothing skipped, nothing preset.
    for (const name of ["STREAMHUB_SKIP_BUILD", "STREAMHUB_API_TOKEN", "STREAMHUB_SECRET_KEY", "STREAMHUB_JWT_SECRET"]) delete env[name];
    return { command: process.execPath, args: [`${ROOT}selfhost/start.ts`], env };
  });
}

/** StreamHub's own bundle under plain workerd, as selfhost/start.ts runs it. */
const streamHubWorkerd: Launch = (dataDir, port) => ({
  command: workerdBinary,
  args: ["serve", `${ROOT}selfhost/workerd.capnp`, "--socket-addr", `http=127.0.0.1:${port}`, "--directory-path", `data=${dataDir}`, "--directory-path", `assets=${ROOT}web/dist`],
  env: { ...process.env, STREAMHUB_SECRET_KEY: "bench-secret-key-0123456789abcdef0123456789", STREAMHUB_JWT_SECRET: "bench-jwt-secret-0123456789abcdef0123456789" },
});

async function timeBareWorkerd(runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const baseline = await startBaseline();
    times.push(baseline.startupMs);
    await baseline.stop();
  }
  return times;
}

/**
 * StreamHub's bundle (first starts and restarts) and the bare Worker under
 * workerd, started in turns: on this VM the same start takes from 100 to 170 ms
 * as the host's load moves over minutes, so each StreamHub start is paired
 * with a bare one beside it. Every restart starts from a copy of the data one
 * earlier start left, so that each finds the same state.
 */
export async function timeWorkerdStarts(runs: number): Promise<{ streamhub: number[]; restart: number[]; bare: number[] }> {
  const streamhub: number[] = [];
  const restart: number[] = [];
  const bare: number[] = [];
  const previous = mkdtempSync(join(tmpdir(), "streamhub-bench-data-"));
  const removePrevious = onCleanup(() => rmSync(previous, { recursive: true, force: true }));
  try {
    await timeToHealth(1, (_, port) => streamHubWorkerd(previous, port));
    for (let i = 0; i < runs; i++) {
      streamhub.push(...(await timeToHealth(1, streamHubWorkerd)));
      restart.push(...(await timeToHealth(1, streamHubWorkerd, previous)));
      bare.push(...(await timeBareWorkerd(1)));
    }
  } finally {
    await removePrevious.run();
  }
  return { streamhub, restart, bare };
}
