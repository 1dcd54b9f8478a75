// What a new user meets before the node runs (issue 14, items 7 and 8): the
// lockfile in step with package.json (so `npm ci` installs it and `npm install`
// leaves it alone), every npm script pointing at a file that exists,
// `npm run openapi` writing the document, `npm run deploy:check` passing, the
// README's Node version agreeing with `engines`, and the README's commands
// working on the system Node (the scripts run the pinned Node 24); the README's
// map of the code naming files and tables that exist.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, toolEnv } from "../../selfhost/build.ts";
import { temporaryFolders } from "./process.ts";

const folders = temporaryFolders("streamhub-project-");
const tempDir = folders.make;
afterAll(() => {
  folders.removeAll();
});

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string }; scripts: Record<string, string> };
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
/** The system's PATH without the pinned Node that `npm run` puts first: what a user's shell has. */
const systemPath = (process.env.PATH ?? "").split(":").filter((dir) => !dir.includes("node_modules")).join(":");

describe("the project as a new user meets it", () => {
  it("has a lockfile in step with package.json: `npm install` on a fresh copy rewrites nothing", () => {
    const dir = tempDir();
    for (const file of ["package.json", "package-lock.json"]) copyFileSync(join(ROOT, file), join(dir, file));
    const result = spawnSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: dir,
      env: { ...process.env, PATH: systemPath },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(dir, "package-lock.json"), "utf8")).toBe(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
  }, 150_000);

  it("points every npm script that runs a file at a file that exists", () => {
    const missing: string[] = [];
    for (const [name, command] of Object.entries(pkg.scripts)) {
      for (const match of command.matchAll(/\bnode (\S+\.ts)\b/g)) if (!existsSync(join(ROOT, match[1]!))) missing.push(`${name}: ${match[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it("`npm run openapi` writes the OpenAPI document", () => {
    const out = join(tempDir(), "openapi.json");
    const result = spawnSync("npm", ["run", "--silent", "openapi", "--", out], { cwd: ROOT, env: { ...process.env, PATH: systemPath }, encoding: "utf8", timeout: 90_000 });
    expect(result.status, result.stderr).toBe(0);
    const document = JSON.parse(readFileSync(out, "utf8"));
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths)).toContain("/api/v1/apps");
  }, 120_000);

  it("`npm run deploy:check` (wrangler deploy --dry-run) passes: the bundle still builds for Cloudflare", () => {
    const result = spawnSync("npm", ["run", "--silent", "deploy:check"], { cwd: ROOT, env: { ...toolEnv(), PATH: systemPath }, encoding: "utf8", timeout: 150_000 });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/--dry-run: exiting now/);
  }, 180_000);

  it("says the Node version that `engines` says", () => {
    const engines = /^>=(\d+)$/.exec(pkg.engines.node)?.[1];
    expect(engines).toBeDefined();
    const stated = [...readme.matchAll(/Node ≥ ?(\d+)/g)].map((match) => match[1]);
    expect(stated.length).toBeGreaterThan(0);
    expect(new Set(stated)).toEqual(new Set([engines]));
  });

  it("runs its commands through npm, so they work on the system Node (here Node 20) too", () => {
    // A bare `node selfhost/….ts` needs Node ≥ 22.18 to strip types; `npm run …` runs the pinned Node 24.
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
    const bare = blocks.flatMap((block) => block.split("\n")).filter((line) => /(^|[\s;&|])node \S+\.ts/.test(line));
    expect(bare).toEqual([]);
    expect(readme).toContain("npm run relay");

    // The relay, started as the README says on a shell whose `node` is the system one: it runs and asks for its token.
    expect(spawnSync("node", ["--version"], { env: { PATH: systemPath }, encoding: "utf8" }).stdout).toMatch(/^v\d+/);
    const relay = spawnSync("npm", ["run", "--silent", "relay"], {
      cwd: ROOT,
      env: { PATH: systemPath, HOME: process.env.HOME, STREAMHUB_URL: "http://127.0.0.1:9" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(relay.stderr).toContain("relay: STREAMHUB_CLUSTER_TOKEN is required");
    expect(relay.stderr).not.toContain("ERR_UNKNOWN_FILE_EXTENSION");
  });

  it("maps the code with files and tables that exist (How the pieces fit)", () => {
    const map = /## How the pieces fit\n+```\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    // A name in the map is written from the folder its block is about (a resource's index.ts and schema.ts: any resource's).
    const folders = ["", "functions/", "functions/routes/v1/", "functions/routes/v1/apps/", "functions/lib/", "functions/routes/", "durable/", "durable/app/", "durable/lib/", "durable/registry/", "core/", "selfhost/"];
    const files = [...new Set(map.match(/(?<![\w./*-])\w[\w./-]*\.ts\b/g) ?? [])];
    expect(files.length).toBeGreaterThan(30);
    expect(files.filter((file) => !folders.some((folder) => existsSync(join(ROOT, folder, file))))).toEqual([]);
    // Tables with a two-word name (the one-word ones are also ordinary words): each is created by a migration.
    const migrations = ["durable/app", "durable/registry", "durable/quota"].map((dir) => readFileSync(join(ROOT, dir, "migrations.ts"), "utf8")).join("\n");
    const tables = [...new Set(map.match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? [])];
    expect(tables.length).toBeGreaterThan(8);
    expect(tables.filter((table) => !migrations.includes(`CREATE TABLE ${table} (`))).toEqual([]);
    // Every capability of the AppActor is on the map.
    const capabilities = readdirSync(join(ROOT, "durable/app")).filter((file) => file.endsWith(".ts") && !/\.(test|suite|repo)\.ts$|^(migrations|app-actor|sample-pages|secret-contexts|webhook-signing|testing)\.ts$/.test(file));
    expect(capabilities.filter((file) => !files.includes(file))).toEqual([]);
  });
});
