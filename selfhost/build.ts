// Builds the Worker bundle that both `npm start` (plain workerd) and
// `wrangler deploy` use: `wrangler deploy --dry-run --outdir dist/worker`.
// With --assets-only it only makes sure the dashboard folder exists, which
// wrangler's [assets] and workerd's `assets` disk service both require.
//
// Every build records a digest of its inputs beside the bundle, so that
// `npm start` bundles again only when something that goes into it changed.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const WORKER_DIR = `${ROOT}dist/worker`;
export const WORKER_BUNDLE = `${WORKER_DIR}/index.js`;
export const ASSETS_DIR = `${ROOT}web/dist`;
/** `{ inputs, bundle }`: the digest of the inputs a build started from, and of the bundle it wrote. */
const BUILD_RECORD = `${WORKER_DIR}/build.json`;

/**
 * What goes into the bundle: the Worker's sources (tests included, to keep the
 * rule simple), and the files that decide how wrangler bundles them and which
 * packages it finds. web/dist is not an input: the dashboard is served from
 * disk at run time, never bundled.
 */
const INPUT_FOLDERS = ["core", "durable", "functions"];
const INPUT_FILES = [
  "wrangler.toml",
  "package.json",
  "package-lock.json",
  // What `npm install` really put in node_modules, which the lockfile alone does not prove.
  "node_modules/.package-lock.json",
  "tsconfig.json",
  "tsconfig.base.json",
  "tsconfig.worker.json",
  // The wrangler invocation itself.
  "selfhost/build.ts",
];

/** Keeps wrangler's state inside the project and off the network. */
export const toolEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  XDG_CONFIG_HOME: `${ROOT}.xdg/config`,
  XDG_DATA_HOME: `${ROOT}.xdg/data`,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
});

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

function readOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/**
 * SHA-256 over the path and contents of every input, in a fixed order: a
 * changed, added, removed or renamed file changes it; touching a file without
 * changing it does not. About 1 MB of sources, a few milliseconds.
 */
export function workerInputsDigest(): string {
  return inputsDigest([...INPUT_FILES, ...INPUT_FOLDERS.flatMap((folder) => filesUnder(folder))]);
}

/** Every file under a folder of the checkout, as paths relative to it, but for what `skip` says. */
export function filesUnder(folder: string, skip: (path: string) => boolean = () => false): string[] {
  return readdirSync(`${ROOT}${folder}`, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath.slice(ROOT.length)}/${entry.name}`)
    .filter((path) => !skip(path));
}

/** Whether the build whose record is at `record` was made from inputs with this digest (see `recordBuild`). */
export function builtFrom(record: string, inputs: string): boolean {
  try {
    return JSON.parse(readFileSync(record, "utf8")).inputs === inputs;
  } catch {
    return false;
  }
}

/** Writes a build's record (its inputs' digest and what it reports) last and atomically: a build cut short leaves none. */
export function recordBuild(record: string, inputs: string, report: Record<string, unknown>): void {
  writeFileSync(`${record}.tmp`, `${JSON.stringify({ inputs, ...report }, null, 2)}\n`);
  renameSync(`${record}.tmp`, record);
}

/** The digest of a set of files of the checkout (paths relative to it), by path and content; a missing file counts as missing. */
export function inputsDigest(files: string[]): string {
  const paths = [...files].sort();
  const hash = createHash("sha256");
  for (const path of paths) {
    const data = readOrNull(`${ROOT}${path}`);
    // Lengths frame each entry, so no two different sets of files hash alike.
    hash.update(`${path.length}:${path}:${data === null ? "-" : data.length}:`);
    if (data) hash.update(data);
  }
  return hash.digest("hex");
}

/** True when dist/worker/index.js was built by buildWorker from exactly the current inputs. */
export function workerIsCurrent(): boolean {
  const record = readOrNull(BUILD_RECORD);
  const bundle = readOrNull(WORKER_BUNDLE);
  if (!record || !bundle) return false;
  let built: { inputs?: unknown; bundle?: unknown };
  try {
    built = JSON.parse(record.toString("utf8"));
  } catch {
    return false;
  }
  return built.bundle === sha256(bundle) && built.inputs === workerInputsDigest();
}

export function buildWorker(options: { quiet?: boolean } = {}): void {
  mkdirSync(ASSETS_DIR, { recursive: true });
  // Digest first: a file edited while wrangler runs makes the next start build again.
  const inputs = workerInputsDigest();
  // A build that fails or is killed halfway leaves no record, so nothing trusts its output.
  rmSync(BUILD_RECORD, { force: true });
  const result = spawnSync(
    process.execPath,
    [`${ROOT}node_modules/wrangler/bin/wrangler.js`, "deploy", "--dry-run", "--outdir", WORKER_DIR],
    { cwd: ROOT, env: toolEnv(), stdio: options.quiet ? "pipe" : "inherit", encoding: "utf8" },
  );
  if (result.status !== 0) {
    if (options.quiet) process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(`building the Worker failed (wrangler exited with ${result.status})`);
  }
  const record = JSON.stringify({ inputs, bundle: sha256(readFileSync(WORKER_BUNDLE)) });
  writeFileSync(`${BUILD_RECORD}.tmp`, `${record}\n`);
  renameSync(`${BUILD_RECORD}.tmp`, BUILD_RECORD);
}

if (import.meta.main) {
  if (process.argv.includes("--assets-only")) mkdirSync(ASSETS_DIR, { recursive: true });
  else buildWorker();
}
