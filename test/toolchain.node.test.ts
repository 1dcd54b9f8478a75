// Facts the build relies on that no compiler checks.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { configSettings } from "../core/config.ts";
import { ROOT } from "../selfhost/build.ts";

const require = createRequire(import.meta.url);
const versionOf = (pkg: string, from = ROOT) => JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`, { paths: [from] }), "utf8")).version as string;
const dirOf = (pkg: string, from = ROOT) => require.resolve(`${pkg}/package.json`, { paths: [from] }).replace(/package\.json$/, "");

const capnp = readFileSync(`${ROOT}selfhost/workerd.capnp`, "utf8");
const wrangler = readFileSync(`${ROOT}wrangler.toml`, "utf8");
const baselineCapnp = readFileSync(`${ROOT}bench/baseline/workerd.capnp`, "utf8");
/** A list field of a workerd config as written (`field = [ … ],` on one line), or undefined. */
const capnpList = (config: string, field: string) => new RegExp(`^\\s*${field}\\s*=\\s*\\[(.*)\\],$`, "m").exec(config)?.[1];

describe("toolchain", () => {
  it("runs one workerd across wrangler, miniflare and the vitest plugin", () => {
    const fromWrangler = versionOf("workerd", dirOf("wrangler"));
    const fromMiniflare = versionOf("workerd", dirOf("miniflare", dirOf("wrangler")));
    // The plugin's package.json is not exported; resolve from its folder instead.
    const fromPlugin = versionOf("workerd", dirOf("miniflare", `${ROOT}node_modules/@cloudflare/vitest-plugin/`));
    expect(new Set([versionOf("workerd"), fromWrangler, fromMiniflare, fromPlugin]).size).toBe(1);
  });

  it("uses one compatibility date, not newer than that workerd", () => {
    const fromToml = /compatibility_date\s*=\s*"([\d-]+)"/.exec(wrangler)?.[1];
    const fromCapnp = /compatibilityDate\s*=\s*"([\d-]+)"/.exec(capnp)?.[1];
    expect(fromToml).toBeDefined();
    expect(fromCapnp).toBe(fromToml);
    // workerd 1.YYYYMMDD.x supports dates up to YYYY-MM-DD.
    const supported = versionOf("workerd").split(".")[1]!.replace(/(\d{4})(\d{2})(\d{2})/, "$1-$2-$3");
    expect(fromToml! <= supported).toBe(true);
  });

  it("runs the Worker without Node.js compatibility under npm start and in the bench", () => {
    expect(capnpList(capnp, "compatibilityFlags")).toBe('"no_nodejs_compat", "no_nodejs_compat_v2"');
    expect(capnpList(baselineCapnp, "compatibilityFlags")).toBe(capnpList(capnp, "compatibilityFlags"));
    // The e2e global setup has just built dist/worker/index.js from this checkout: it imports
    // no Node module (one would not resolve, and workerd would not start).
    expect(readFileSync(`${ROOT}dist/worker/index.js`, "utf8")).not.toMatch(/\bfrom\s*["']node:|import\(\s*["']node:/);
  });

  it("runs the bench's baseline with the node's own V8 flags", () => {
    const node = capnpList(capnp, "v8Flags");
    // The young generation's cap and the old generation's room (see the comment there) are what
    // keep the node's p99 down.
    expect(node).toContain('"--max-semi-space-size=8"');
    expect(node).toContain('"--heap-growing-percent=500"');
    expect(capnpList(baselineCapnp, "v8Flags")).toBe(node);
  });

  it("binds every setting of the config schema into the workerd config", () => {
    for (const variable of Object.keys(configSettings)) {
      expect(capnp, variable).toContain(`(name = "${variable}", fromEnvironment = "${variable}")`);
    }
  });

  it("bundles zod's English messages only (wrangler.toml [alias] → core/zod-locales.ts)", () => {
    // The e2e global setup has just built dist/worker/index.js from this checkout.
    const bundle = readFileSync(`${ROOT}dist/worker/index.js`, "utf8");
    expect(bundle).toContain("Too big: expected");
    // (ASCII phrases: the minified bundle escapes the rest.)
    for (const translated of ["Demasiado grande", "Terlalu besar", "Te groot"]) expect(bundle).not.toContain(translated);
  });

  it("runs npm scripts on the pinned Node ≥ 22", () => {
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(22);
  });
});
