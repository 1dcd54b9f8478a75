// Builds the Worker bundle that both `npm start` (plain workerd) and
// `wrangler deploy` use: `wrangler deploy --dry-run --outdir dist/worker`.
// With --assets-only it only makes sure the dashboard folder exists, which
// wrangler's [assets] and workerd's `assets` disk service both require.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const WORKER_BUNDLE = `${ROOT}dist/worker/index.js`;
export const ASSETS_DIR = `${ROOT}web/dist`;

/** Keeps wrangler's state inside the project and off the network. */
export const toolEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  XDG_CONFIG_HOME: `${ROOT}.xdg/config`,
  XDG_DATA_HOME: `${ROOT}.xdg/data`,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
});

export function buildWorker(options: { quiet?: boolean } = {}): void {
  mkdirSync(ASSETS_DIR, { recursive: true });
  const result = spawnSync(
    process.execPath,
    [`${ROOT}node_modules/wrangler/bin/wrangler.js`, "deploy", "--dry-run", "--outdir", `${ROOT}dist/worker`],
    { cwd: ROOT, env: toolEnv(), stdio: options.quiet ? "pipe" : "inherit", encoding: "utf8" },
  );
  if (result.status !== 0) {
    if (options.quiet) process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(`building the Worker failed (wrangler exited with ${result.status})`);
  }
}

if (import.meta.main) {
  if (process.argv.includes("--assets-only")) mkdirSync(ASSETS_DIR, { recursive: true });
  else buildWorker();
}
