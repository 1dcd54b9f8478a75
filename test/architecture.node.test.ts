// Imports go one way (DESIGN.md): functions/ → durable/ → core/. The leaf
// (core/) is runtime-neutral and imports neither side; actors never import a
// handler's code; the dashboard and the SDK share nothing with the server
// but generated API types. Checked over every source file, tests included.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { ROOT } from "../selfhost/build.ts";

/** What each top-level folder may import besides itself (and package.json). */
const ALLOWED: Record<string, string[]> = {
  core: [],
  durable: ["core"],
  functions: ["core", "durable"],
  // Generated API types are the only thing the browser code shares with the server.
  web: [],
  sdk: [],
};

const sources = (dir: string): string[] =>
  !existsSync(dir)
    ? []
    : readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.name === "node_modules" || entry.name === "dist"
          ? []
          : entry.isDirectory()
            ? sources(join(dir, entry.name))
            : /\.(ts|tsx)$/.test(entry.name)
              ? [join(dir, entry.name)]
              : [],
      );

// `import … from "x"`, `export … from "x"`, `import("x")`, and `import "x"` (for its effects only).
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|[\s;])import\s*["']([^"']+)["']/g;

/** Every relative import under `root` that goes where its folder may not. */
export function wrongWayImports(root: string): string[] {
  const found: string[] = [];
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    for (const file of sources(join(root, folder))) {
      for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2] ?? match[3]!;
        if (!specifier.startsWith(".")) continue;
        const target = relative(root, resolve(dirname(file), specifier));
        const reached = target.split("/")[0]!;
        if (reached === folder || allowed.includes(reached) || target === "package.json" || target.includes("/generated/")) continue;
        found.push(`${relative(root, file)} imports ${specifier} (${folder}/ may not import ${reached}/)`);
      }
    }
  }
  return found;
}

describe("import direction", () => {
  it("functions/ → durable/ → core/, never back", () => {
    expect(wrongWayImports(ROOT)).toEqual([]);
  });

  it("catches an actor importing a handler's helper (also for its effects only), and the leaf importing an actor", () => {
    const root = mkdtempSync(join(tmpdir(), "streamhub-imports-"));
    try {
      const write = (path: string, text: string) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      write("functions/lib/errors.ts", "export const x = 1;\n");
      write("durable/app/actor.ts", 'import { x } from "../../functions/lib/errors.ts";\nimport { y } from "../../core/y.ts";\nimport "../../functions/lib/polyfill.ts";\n');
      write("core/y.ts", 'export { z } from "../durable/app/actor.ts";\nconst later = () => import("../functions/lib/errors.ts");\n');
      write("functions/index.ts", 'import { y } from "../core/y.ts";\nimport "../durable/app/actor.ts";\n');
      expect(wrongWayImports(root)).toEqual([
        "core/y.ts imports ../durable/app/actor.ts (core/ may not import durable/)",
        "core/y.ts imports ../functions/lib/errors.ts (core/ may not import functions/)",
        "durable/app/actor.ts imports ../../functions/lib/errors.ts (durable/ may not import functions/)",
        "durable/app/actor.ts imports ../../functions/lib/polyfill.ts (durable/ may not import functions/)",
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** Reads of Hono's `c.var` in the Worker's code (tests aside): each copies every context variable into a new object. */
export function contextVarReads(root: string): string[] {
  return sources(join(root, "functions"))
    .filter((file) => !/\.test\.tsx?$/.test(file))
    .flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) => (/\b\w+\.var\s*(\.|\?\.|\[)/.test(line) && !/^\s*(\/\/|\*)/.test(line) ? [`${relative(root, file)}:${i + 1}`] : [])),
    );
}

describe("the hot path", () => {
  it('reads context variables with c.get("name"), never c.var (a new object per read)', () => {
    expect(contextVarReads(ROOT)).toEqual([]);
  });

  it("catches a c.var read", () => {
    const root = mkdtempSync(join(tmpdir(), "streamhub-var-"));
    try {
      mkdirSync(join(root, "functions/lib"), { recursive: true });
      writeFileSync(join(root, "functions/lib/a.ts"), 'const x = c.get("app");\n// c.var.app in a comment\nconst y = c.var.config;\nconst z = c.var?.auth;\n');
      writeFileSync(join(root, "functions/lib/a.test.ts"), "const y = c.var.config;\n");
      expect(contextVarReads(root)).toEqual(["functions/lib/a.ts:3", "functions/lib/a.ts:4"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/**
 * The packages a Worker entry evaluates before its first answer: what its
 * bundle, split at its dynamic imports, pulls in through static imports alone.
 * (Code behind `import()` is loaded by the first request that needs it.)
 * With `{ all: true }`, every package in the bundle, loaded on demand or not.
 */
export async function eagerPackages(entry: string, options: { all?: boolean } = {}): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    outdir: join(tmpdir(), "streamhub-eager"),
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const outputs = metafile.outputs;
  const start = Object.keys(outputs).find((name) => outputs[name]!.entryPoint !== undefined)!;
  const eager = new Set<string>();
  const visit = (name: string) => {
    if (eager.has(name)) return;
    eager.add(name);
    for (const edge of outputs[name]!.imports) if (edge.kind === "import-statement" && !edge.external) visit(edge.path);
  };
  if (options.all) for (const name of Object.keys(outputs)) eager.add(name);
  else visit(start);
  const packages = new Set<string>();
  for (const name of eager) {
    for (const input of Object.keys(outputs[name]!.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?:(v4\/(?:classic|mini|core))\/)?/.exec(input);
      if (match) packages.add(match[2] ? `${match[1]}/${match[2]}` : match[1]!);
    }
  }
  return [...packages].sort();
}

/** Not evaluated before the first answer: zod, the schemas and their OpenAPI description (for the first API request). */
const LOADED_ON_DEMAND = ["zod/v4/classic", "zod/v4/mini", "zod/v4/core", "@hono/zod-openapi", "@asteasolutions/zod-to-openapi"];
/** Never in the Worker: LiveKit's SDK and the protobuf runtime under it (core/livekit-api.ts speaks Twirp's JSON itself; tests use the SDK as a reference). */
const LIVEKIT_SDK = ["livekit-server-sdk", "@livekit/protocol", "@bufbuild/protobuf"];

describe("start-up", () => {
  it("serves its first answer (health, the dashboard, pages) without zod or the OpenAPI machinery", async () => {
    const eager = await eagerPackages(join(ROOT, "functions/index.ts"));
    expect(eager).toContain("hono");
    expect(eager.filter((name) => LOADED_ON_DEMAND.includes(name))).toEqual([]);
  });

  it("bundles none of LiveKit's SDK, not even behind an import(): workerd parses every byte of the bundle at each start", async () => {
    const all = await eagerPackages(join(ROOT, "functions/index.ts"), { all: true });
    expect(all).toEqual(expect.arrayContaining(["hono", "zod/v4/core"]));
    expect(all.filter((name) => LIVEKIT_SDK.includes(name))).toEqual([]);
  });

  it("catches a module on the first answer's path importing them", async () => {
    const root = mkdtempSync(join(ROOT, ".eager-"));
    try {
      writeFileSync(join(root, "lazy.ts"), 'import { z } from "zod";\nexport const lazy = z.string();\n');
      writeFileSync(join(root, "entry.ts"), 'import { z } from "@hono/zod-openapi";\nexport const eager = z.number();\nexport const later = () => import("./lazy.ts");\n');
      expect(await eagerPackages(join(root, "entry.ts"))).toEqual(expect.arrayContaining(["@hono/zod-openapi", "zod/v4/classic"]));
      writeFileSync(join(root, "entry.ts"), 'export const later = () => import("./lazy.ts");\n');
      expect(await eagerPackages(join(root, "entry.ts"))).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
