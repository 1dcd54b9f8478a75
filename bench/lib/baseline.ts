// The baseline Worker (bench/baseline/) under the same workerd binary as
// `npm start`: bundled with the esbuild that wrangler itself uses, served with
// bench/baseline/workerd.capnp, its actor state in a fresh temporary folder.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "../../selfhost/build.ts";
import { freePort } from "../../test/e2e/harness.ts";
import { firstOk, onCleanup, spawnGroup } from "./processes.ts";

const require = createRequire(import.meta.url);

/** The workerd binary that `npm start`, wrangler and miniflare also use (found as selfhost/start.ts finds it). */
export const workerdBinary = join(dirname(require.resolve("workerd/package.json")), "bin", "workerd");

const BUNDLE = `${ROOT}dist/bench/baseline.js`;
const CONFIG = `${ROOT}bench/baseline/workerd.capnp`;

interface EsbuildBuildSync {
  buildSync(options: Record<string, unknown>): { errors: unknown[] };
}

/** Bundles bench/baseline/worker.ts the way wrangler bundles a Worker (ESM, workerd conditions, `cloudflare:` built-ins external). */
export function bundleBaseline(): void {
  // esbuild is wrangler's dependency, not the project's: resolve it from wrangler.
  const esbuild = createRequire(require.resolve("wrangler/package.json"))("esbuild") as EsbuildBuildSync;
  mkdirSync(dirname(BUNDLE), { recursive: true });
  esbuild.buildSync({
    entryPoints: [`${ROOT}bench/baseline/worker.ts`],
    outfile: BUNDLE,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*"],
    logLevel: "error",
  });
}

export interface RunningBaseline {
  url: string;
  /** Spawn to the first 200 on /bare, in milliseconds. */
  startupMs: number;
  stop: () => Promise<void>;
}

export async function startBaseline(): Promise<RunningBaseline> {
  const state = mkdtempSync(join(tmpdir(), "streamhub-bench-baseline-"));
  const removeState = onCleanup(() => rmSync(state, { recursive: true, force: true }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawnGroup(workerdBinary, ["serve", CONFIG, "--socket-addr", `http=127.0.0.1:${port}`, "--directory-path", `state=${state}`], { cwd: ROOT });
  try {
    const startupMs = await firstOk(`${url}/bare`, child, started);
    return {
      url,
      startupMs,
      stop: async () => {
        await child.stop();
        await removeState.run();
      },
    };
  } catch (error) {
    await child.stop();
    await removeState.run();
    throw error;
  }
}
