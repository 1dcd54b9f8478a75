// Builds the browser code in sdk/ into web/dist/sdk/, which the Worker serves
// at /sdk/ (functions/routes/sdk.ts):
//
//   streamhub-adaptor.global.js  the original SDK's drop-in, an IIFE defining
//                                the global `webrtc_adaptor` (`webrtc_adaptor.WebRTCAdaptor`)
//   streamhub-adaptor.mjs        the same as an ES module
//   streamhub-adaptor.d.ts       its TypeScript declarations, one file
//   player.js (+ chunks/)        the player and the <streamhub-player> element,
//                                an ES module; hls.js is a chunk of its own,
//                                loaded only when the player falls back to HLS
//
// livekit-client and hls.js are bundled in: a page needs nothing else. Like
// the Worker, it builds again only when an input changed (a digest of sdk/
// and the lockfile, kept in web/dist/sdk/build.json).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { ASSETS_DIR, ROOT, builtFrom, filesUnder, inputsDigest, recordBuild } from "./build.ts";
import { copyDocsViewer } from "./build-docs-viewer.ts";

export const SDK_DIR = `${ASSETS_DIR}/sdk`;
const RECORD = `${SDK_DIR}/build.json`;
const INPUT_FILES = ["package-lock.json", "node_modules/.package-lock.json", "selfhost/build-sdk.ts", "selfhost/build-docs-viewer.ts"];

/** SHA-256 over every file of sdk/ and the lockfiles, by path and content. */
export function sdkInputsDigest(): string {
  return inputsDigest([...INPUT_FILES, ...filesUnder("sdk")]);
}

export const sdkIsCurrent = (): boolean => builtFrom(RECORD, sdkInputsDigest());

export interface SdkSizes {
  /** Gzipped bytes of each output file, by its path under web/dist/sdk/. */
  [file: string]: number;
}

/** Builds every SDK output; returns the gzipped size of each file written. */
export async function buildSdk(): Promise<SdkSizes> {
  const inputs = sdkInputsDigest();
  // Everything but the hashed chunks goes: a player.js cached by a browser for its five minutes may
  // still ask for the chunk its build named, so earlier chunks stay (they are small, and never change).
  mkdirSync(SDK_DIR, { recursive: true });
  for (const entry of readdirSync(SDK_DIR)) if (entry !== "chunks") rmSync(`${SDK_DIR}/${entry}`, { recursive: true, force: true });
  const common = {
    bundle: true,
    minify: true,
    sourcemap: true,
    target: "es2022",
    platform: "browser" as const,
    legalComments: "linked" as const,
    logLevel: "error" as const,
    metafile: true,
    // Paths in the metafile are then relative to the checkout.
    absWorkingDir: ROOT,
  };
  const results = await Promise.all([
    build({ ...common, entryPoints: [`${ROOT}sdk/src/adaptor/index.ts`], outfile: `${SDK_DIR}/streamhub-adaptor.global.js`, format: "iife", globalName: "webrtc_adaptor" }),
    build({ ...common, entryPoints: [`${ROOT}sdk/src/adaptor/index.ts`], outfile: `${SDK_DIR}/streamhub-adaptor.mjs`, format: "esm" }),
    build({
      ...common,
      entryPoints: { player: `${ROOT}sdk/src/player/index.ts` },
      outdir: SDK_DIR,
      format: "esm",
      splitting: true,
      chunkNames: "chunks/[name]-[hash]",
    }),
  ]);
  writeFileSync(`${SDK_DIR}/streamhub-adaptor.d.ts`, await adaptorDeclarations());
  // The API docs' viewer is browser code served from the assets too.
  copyDocsViewer();
  const sizes: SdkSizes = {};
  for (const result of results) {
    for (const file of Object.keys((result.metafile as Metafile).outputs)) {
      if (file.endsWith(".map") || file.endsWith(".LEGAL.txt")) continue;
      sizes[file.slice(file.indexOf("web/dist/sdk/") + "web/dist/sdk/".length)] = gzipSync(readFileSync(`${ROOT}${file}`)).length;
    }
  }
  recordBuild(RECORD, inputs, { gzipBytes: sizes });
  return sizes;
}

/**
 * The adaptor's declarations as one self-contained file: tsc emits one .d.ts
 * per module of sdk/src/adaptor (with tsconfig.sdk.json's options), and the
 * modules its index re-exports whole (`export * from "./x.ts"`, the public
 * surface by convention) are inlined in its place. The result is
 * type-checked alone, so a public signature naming something internal (or a
 * livekit-client type) fails the build rather than the integrator.
 */
export async function adaptorDeclarations(): Promise<string> {
  // Loaded here: only a build needs the compiler, not the callers of sdkIsCurrent().
  const ts = (await import("typescript")).default;
  const fail = (diagnostics: readonly import("typescript").Diagnostic[]) => {
    throw new Error(`the adaptor's declarations do not compile:\n${ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" })}`);
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(`${ROOT}tsconfig.sdk.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
  if (!parsed) throw new Error("tsconfig.sdk.json could not be read");
  const dir = `${ROOT}sdk/src/adaptor/`;
  const options = { ...parsed.options, noEmit: false, declaration: true, emitDeclarationOnly: true, composite: false, incremental: false, tsBuildInfoFile: undefined, rootDir: dir, outDir: "/declarations" };
  const emitted = new Map<string, string>();
  const program = ts.createProgram({ rootNames: [`${dir}index.ts`], options });
  const result = program.emit(undefined, (file, text) => emitted.set(file.slice("/declarations/".length).replace(/\.d\.ts$/, ""), text));
  const errors = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) fail(errors);

  const local = /^(import|export)\b.* from "\.\/([\w-]+)\.ts";$/;
  const body = (module: string) => (emitted.get(module) ?? "").split("\n").filter((line) => !local.test(line) && line !== "export {};");
  const lines = ["// streamhub-adaptor's declarations, generated by selfhost/build-sdk.ts from sdk/src/adaptor."];
  for (const line of (emitted.get("index") ?? "").split("\n")) {
    const inlined = /^export (?:type )?\* from "\.\/([\w-]+)\.ts";$/.exec(line);
    if (inlined) lines.push(...body(inlined[1]!));
    else if (!local.test(line)) lines.push(line);
  }
  const bundle = `${lines.join("\n").trim()}\n`;

  // Alone, with the browser's types only.
  const file = "/declarations/streamhub-adaptor.d.ts";
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const original = { getSourceFile: host.getSourceFile, fileExists: host.fileExists, readFile: host.readFile };
  host.getSourceFile = (name, language, ...rest) => (name === file ? ts.createSourceFile(name, bundle, language) : original.getSourceFile(name, language, ...rest));
  host.fileExists = (name) => name === file || original.fileExists(name);
  host.readFile = (name) => (name === file ? bundle : original.readFile(name));
  const check = ts.createProgram({ rootNames: [file], options: { ...options, noEmit: true, skipLibCheck: false, skipDefaultLibCheck: true, types: [] }, host });
  const problems = ts.getPreEmitDiagnostics(check).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (problems.length) fail(problems);
  return bundle;
}

if (import.meta.main) {
  const sizes = await buildSdk();
  for (const [file, bytes] of Object.entries(sizes)) process.stdout.write(`${file.padEnd(48)} ${(bytes / 1024).toFixed(1)} KB gzip\n`);
}
