// Builds the dashboard (web/, React with Vite) into web/dist/, which the
// Worker serves with SPA fallback (functions/routes/assets.ts): index.html and
// assets/. web/dist/sdk/ is build-sdk.ts's and is left alone (no emptyOutDir;
// only this build's own outputs are removed first). Like the Worker and the
// SDK, it builds again only when an input changed (a digest of web/ and the
// lockfile, kept in web/dist/web-build.json), and reports the gzipped
// JavaScript the first screen loads (the budget: 250 KB).
//
//   node selfhost/build-web.ts           build (and print the sizes)
//   node selfhost/build-web.ts --types   regenerate web/src/api/schema.d.ts from
//                                        the OpenAPI document of a StreamHub started here
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ASSETS_DIR, ROOT, buildWorker, workerIsCurrent } from "./build.ts";

export const WEB_DIR = `${ROOT}web`;
export const API_TYPES = `${WEB_DIR}/src/api/schema.d.ts`;
const RECORD = `${ASSETS_DIR}/web-build.json`;
const INPUT_FILES = ["package-lock.json", "node_modules/.package-lock.json", "selfhost/build-web.ts", "tsconfig.web.json"];
/** The first screen may load at most this much JavaScript, gzipped. */
export const FIRST_SCREEN_BUDGET_BYTES = 250 * 1024;

/** SHA-256 over every file of web/ but its build output, and the lockfiles, by path and content. */
export function webInputsDigest(): string {
  const paths = [...INPUT_FILES];
  for (const entry of readdirSync(WEB_DIR, { recursive: true, withFileTypes: true })) {
    const path = `${entry.parentPath.slice(ROOT.length)}/${entry.name}`;
    if (entry.isFile() && !path.startsWith("web/dist/") && !path.includes("/node_modules/")) paths.push(path);
  }
  paths.sort();
  const hash = createHash("sha256");
  for (const path of paths) {
    let data: Buffer | null = null;
    try {
      data = readFileSync(`${ROOT}${path}`);
    } catch {
      // A missing input counts as missing.
    }
    hash.update(`${path.length}:${path}:${data === null ? "-" : data.length}:`);
    if (data) hash.update(data);
  }
  return hash.digest("hex");
}

export function webIsCurrent(): boolean {
  try {
    return JSON.parse(readFileSync(RECORD, "utf8")).inputs === webInputsDigest();
  } catch {
    return false;
  }
}

export interface WebBuild {
  /** Gzipped bytes of the JavaScript index.html loads up front (its entry and the chunks it preloads). */
  firstScreenJsGzip: number;
  /** Gzipped bytes of every file written, by its path under web/dist/. */
  files: Record<string, number>;
}

export async function buildWeb(options: { quiet?: boolean } = {}): Promise<WebBuild> {
  const inputs = webInputsDigest();
  // This build's own outputs only: web/dist/sdk/ belongs to build-sdk.ts.
  rmSync(`${ASSETS_DIR}/index.html`, { force: true });
  rmSync(`${ASSETS_DIR}/assets`, { recursive: true, force: true });
  // Loaded here: only a build needs Vite, not the callers of webIsCurrent().
  const { build } = await import("vite");
  const react = (await import("@vitejs/plugin-react")).default;
  // A production build whatever NODE_ENV says: vitest sets it to "test", with which Vite
  // and the React plugin would ship React's development build and JSX runtime.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({
      configFile: false,
      mode: "production",
      root: WEB_DIR,
      base: "/",
      logLevel: options.quiet ? "error" : "warn",
      plugins: [react()],
      build: { outDir: ASSETS_DIR, emptyOutDir: false, assetsDir: "assets", sourcemap: true, target: "es2022", reportCompressedSize: false },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }

  const files: Record<string, number> = {};
  for (const entry of readdirSync(`${ASSETS_DIR}/assets`)) {
    if (!entry.endsWith(".map")) files[`assets/${entry}`] = gzipSync(readFileSync(`${ASSETS_DIR}/assets/${entry}`)).length;
  }
  const html = readFileSync(`${ASSETS_DIR}/index.html`, "utf8");
  files["index.html"] = gzipSync(html).length;
  const upFront = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/([^"]+\.js)"/g)].map((m) => m[1]!);
  const firstScreenJsGzip = upFront.reduce((sum, file) => sum + (files[file] ?? 0), 0);
  const result: WebBuild = { firstScreenJsGzip, files };
  writeFileSync(`${RECORD}.tmp`, `${JSON.stringify({ inputs, ...result }, null, 2)}\n`);
  renameSync(`${RECORD}.tmp`, RECORD);
  if (firstScreenJsGzip > FIRST_SCREEN_BUDGET_BYTES) {
    throw new Error(`the dashboard's first screen loads ${(firstScreenJsGzip / 1024).toFixed(1)} KB of JavaScript (gzip), over the budget of ${FIRST_SCREEN_BUDGET_BYTES / 1024} KB`);
  }
  return result;
}

/** The dashboard's API types, as openapi-typescript writes them for `doc`. */
export async function apiTypesFor(doc: unknown): Promise<string> {
  const { default: openapiTS, astToString } = await import("openapi-typescript");
  const ast = await openapiTS(doc as Parameters<typeof openapiTS>[0], { alphabetize: true });
  return `// Generated by \`npm run web:types\` (selfhost/build-web.ts) from the server's /api/v1/openapi.json. Do not edit.\n${astToString(ast)}`;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });

/** Starts StreamHub here (as `npm start` does, in a throwaway data folder, no LiveKit) and reads its OpenAPI document. */
export async function openApiDocumentOfThisCheckout(): Promise<unknown> {
  if (!workerIsCurrent()) buildWorker({ quiet: true });
  const dataDir = mkdtempSync(join(tmpdir(), "streamhub-openapi-"));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", STREAMHUB_SKIP_BUILD: "1", STREAMHUB_LOCAL_LIVEKIT: "off" };
  const child = spawn(process.execPath, [`${ROOT}selfhost/start.ts`], { cwd: ROOT, env, detached: true, stdio: "ignore" });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`);
        if (response.ok) return await response.json();
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error("StreamHub did not serve its OpenAPI document within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // Already gone.
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  if (process.argv.includes("--types")) {
    writeFileSync(API_TYPES, await apiTypesFor(await openApiDocumentOfThisCheckout()));
    process.stdout.write(`wrote ${API_TYPES.slice(ROOT.length)}\n`);
  } else {
    const { firstScreenJsGzip, files } = await buildWeb();
    for (const [file, bytes] of Object.entries(files)) process.stdout.write(`${file.padEnd(48)} ${(bytes / 1024).toFixed(1)} KB gzip\n`);
    process.stdout.write(`first screen: ${(firstScreenJsGzip / 1024).toFixed(1)} KB of JavaScript (gzip), budget ${FIRST_SCREEN_BUDGET_BYTES / 1024} KB\n`);
  }
}
