// `npm start` fails clearly and loses nothing (issue 14, item 5): every bad
// setting reported at once before anything is written; the first-run token
// kept until a node that served has shown it (and, under systemd, put in a
// 0600 file instead of the journal); a signal to any process of the tree
// stops all of it and the next start binds the same port; an unwritable
// DATA_DIR and a wrong STREAMHUB_SECRET_KEY each refused in one line.
import { spawn } from "node:child_process";
import { appendFileSync, chmodSync, chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ROOT } from "../../selfhost/build.ts";
import { freePort } from "../../selfhost/ports.ts";
import { call } from "../e2e/harness.ts";
import { healthy, nodeEnv, startTree, temporaryFolders, waitFor, type StartedTree } from "./process.ts";

const trees: StartedTree[] = [];
const folders = temporaryFolders("streamhub-start-");
const tempDir = folders.make;
afterEach(async () => {
  for (const tree of trees.splice(0)) await tree.kill();
});
afterAll(() => {
  folders.removeAll();
});


const start = (options: Parameters<typeof startTree>[0]) => {
  const tree = startTree(options);
  trees.push(tree);
  return tree;
};

const serving = async (tree: StartedTree, url: string) => {
  await waitFor(
    `StreamHub serving at ${url}`,
    async () => (tree.child.exitCode === null ? healthy(url) : Promise.reject(new Error(`exited ${tree.child.exitCode}:\n${tree.output()}`))),
    (ok) => ok,
    20_000,
    tree.output,
  );
};

const printedToken = (output: string) => /API token \(shown once\): (sk_[A-Za-z0-9_-]+)/.exec(output)?.[1];

describe("npm start: configuration and first run", () => {
  it("reports every bad setting at once, in one line, and writes nothing", async () => {
    const dataDir = join(tempDir(), "data");
    const tree = start({
      env: nodeEnv({ DATA_DIR: dataDir, PORT: "70000", STREAMHUB_AUTHZ_ENFORCE: "sometimes", ADMIN_USER: "ops", METRICS_TOKEN: "short", LIVEKIT_URL: "ftp://x" }),
    });
    expect(await tree.exited).toBe(1);
    const lines = tree.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    for (const variable of ["PORT", "STREAMHUB_AUTHZ_ENFORCE", "ADMIN_PASS must be set together with ADMIN_USER", "METRICS_TOKEN", "LIVEKIT_URL"]) expect(lines[0]).toContain(variable);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("keeps the first-run token when the first start fails, and shows it on the next one that serves", async () => {
    const dataDir = tempDir();
    const port = await freePort();
    // Something else holds the port: workerd cannot listen, the first start fails after it wrote its secrets.
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    const failed = start({ env: nodeEnv({ DATA_DIR: dataDir, PORT: String(port) }) });
    const code = await failed.exited;
    await new Promise((resolve) => squatter.close(resolve));
    expect(code).not.toBe(0);
    const secrets = JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8"));

    const url = `http://127.0.0.1:${port}`;
    const second = start({ env: nodeEnv({ DATA_DIR: dataDir, PORT: String(port) }) });
    await serving(second, url);
    expect(printedToken(second.output())).toBe(secrets.STREAMHUB_API_TOKEN);
    expect((await call(url, "GET", "/api/v1/apps", { token: secrets.STREAMHUB_API_TOKEN })).status).toBe(200);
    // Shown on a node that served: not again.
    await waitFor("the first-run token file gone", () => existsSync(join(dataDir, "first-run-token")), (present) => !present);
    await second.kill();
    const third = start({ env: nodeEnv({ DATA_DIR: dataDir, PORT: String(port) }) });
    await serving(third, url);
    expect(printedToken(third.output())).toBeUndefined();
  });

  it("under systemd, writes the first-run token to a 0600 file in the state folder and never to the journal unless asked", async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const systemd = { INVOCATION_ID: "0123456789abcdef0123456789abcdef", JOURNAL_STREAM: "8:12345" };
    const tree = start({ env: nodeEnv({ DATA_DIR: dataDir, PORT: String(port), ...systemd }) });
    await serving(tree, `http://127.0.0.1:${port}`);
    const secrets = JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8"));
    const file = join(dataDir, "first-run-token");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim()).toBe(secrets.STREAMHUB_API_TOKEN);
    expect(tree.output()).toContain(file);
    for (const secret of Object.values(secrets) as string[]) expect(tree.output()).not.toContain(secret);
    await tree.kill();

    // Still there for the operator after a restart; printed only when asked.
    const again = start({ env: nodeEnv({ DATA_DIR: dataDir, PORT: String(port), ...systemd, STREAMHUB_PRINT_SECRETS: "1" }) });
    await serving(again, `http://127.0.0.1:${port}`);
    expect(printedToken(again.output())).toBe(secrets.STREAMHUB_API_TOKEN);
    await again.kill();

    // In a container (no systemd, logs kept all the same): STREAMHUB_PRINT_SECRETS=0 keeps it to the file.
    const container = tempDir();
    const quiet = start({ env: nodeEnv({ DATA_DIR: container, PORT: String(port), STREAMHUB_PRINT_SECRETS: "0" }) });
    await serving(quiet, `http://127.0.0.1:${port}`);
    expect(printedToken(quiet.output())).toBeUndefined();
    expect(readFileSync(join(container, "first-run-token"), "utf8").trim()).toBe(JSON.parse(readFileSync(join(container, "secrets.json"), "utf8")).STREAMHUB_API_TOKEN);
  });

  it("refuses an unwritable DATA_DIR in one line, without a stack trace", async () => {
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const owned = join(parent, "root-owned");
    mkdirSync(owned, { mode: 0o755 });
    // As an unprivileged user (root may write anywhere).
    const tree = start({ env: nodeEnv({ DATA_DIR: join(owned, "data"), PORT: String(await freePort()), HOME: "/tmp" }), uid: 65534, gid: 65534 });
    expect(await tree.exited).toBe(1);
    const output = tree.output().trim();
    expect(output.split("\n")).toHaveLength(1);
    expect(output).toMatch(/^streamhub: DATA_DIR \S+\/root-owned\/data is not writable by nobody \(EACCES\)/);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it("refuses to start when STREAMHUB_SECRET_KEY does not open the stored secrets, naming the variable", async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const first = start({ env: nodeEnv({ DATA_DIR: dataDir, PORT: String(port) }) });
    await serving(first, url);
    const token = printedToken(first.output())!;
    expect((await call(url, "POST", "/api/v1/apps", { token, json: { name: "sealed" } })).status).toBe(201);
    expect((await call(url, "PATCH", "/api/v1/apps/sealed", { token, json: { callbackSecret: "a-callback-secret-1" } })).status).toBe(200);
    await first.kill();

    const wrong = start({ env: nodeEnv({ DATA_DIR: dataDir, PORT: String(port), STREAMHUB_SECRET_KEY: "a-different-key-0123456789abcdef0123456789" }) });
    expect(await wrong.exited).toBe(1);
    expect(wrong.output().trim().split("\n")).toHaveLength(1);
    expect(wrong.output()).toMatch(/^streamhub: STREAMHUB_SECRET_KEY does not open the secrets stored in /);
    expect(await healthy(url)).toBe(false);

    // The right key, given explicitly, starts.
    const { STREAMHUB_SECRET_KEY } = JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8"));
    const right = start({ env: nodeEnv({ DATA_DIR: dataDir, PORT: String(port), STREAMHUB_SECRET_KEY }) });
    await serving(right, url);
    expect((await call(url, "GET", "/api/v1/apps/sealed", { token })).status).toBe(200);
  });
});

describe("npm start: a signal to any process of the tree stops all of it", () => {
  for (const [target, pattern] of [
    ["npm", /^npm start/],
    ["node", /^node .*selfhost\/start\.ts/],
    ["workerd", /workerd serve/],
  ] as const) {
    for (const signal of target === "npm" ? (["SIGTERM", "SIGINT", "SIGKILL"] as const) : (["SIGTERM", "SIGINT"] as const)) {
      it(`${signal} to ${target}: nothing left, and the next start binds the same port`, async () => {
        const dataDir = tempDir();
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const tree = start({ command: "npm", env: nodeEnv({ DATA_DIR: dataDir, PORT: String(port) }) });
        await serving(tree, url);
        const pid = tree.pidOf(pattern);
        expect(pid, tree.output()).toBeDefined();
        process.kill(pid!, signal);
        await waitFor("every process of the tree gone", () => tree.alive(), (left) => left.length === 0, 15_000, tree.output);
        expect(await healthy(url)).toBe(false);

        const next = start({ env: nodeEnv({ DATA_DIR: dataDir, PORT: String(port) }) });
        await serving(next, url);
        expect(next.output()).not.toContain("Address already in use");
      });
    }
  }
});

describe("npm start from a read-only code folder (the systemd layout)", () => {
  it("serves as an unprivileged user with only DATA_DIR writable, and writes nothing into the code folder", async () => {
    const dataDir = join(tempDir(), "state");
    mkdirSync(dataDir, { mode: 0o700 });
    chmodSync(join(dataDir, ".."), 0o755);
    chownSync(dataDir, 65534, 65534);
    const port = await freePort();
    const root = new URL("../..", import.meta.url).pathname;
    const before = readdirSync(root).sort();
    // No STREAMHUB_SKIP_BUILD: the bundle built at install must be found current, not rebuilt.
    const env = nodeEnv({ DATA_DIR: dataDir, PORT: String(port), HOME: dataDir, INVOCATION_ID: "0123456789abcdef0123456789abcdef" });
    delete env.STREAMHUB_SKIP_BUILD;
    const tree = start({ env, uid: 65534, gid: 65534 });
    await serving(tree, `http://127.0.0.1:${port}`);
    expect(readdirSync(root).sort()).toEqual(before);
    expect(existsSync(join(dataDir, "secrets.json"))).toBe(true);
  });

  it("refuses, in one line, code that changed since its build when it cannot build it", async () => {
    // A copy of this checkout (its build included) whose sources then change: as after `git pull` without `npm run build`.
    const copy = join(tempDir(), "opt-streamhub");
    cpSync(ROOT, copy, { recursive: true, filter: (source) => !/\/(node_modules|\.cache|\.git|\.wrangler|\.tsbuild)$/.test(source) });
    symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
    appendFileSync(join(copy, "core/config.ts"), "\n// changed after the build\n");
    const dataDir = join(tempDir(), "state");
    mkdirSync(dataDir, { mode: 0o700 });
    chownSync(dataDir, 65534, 65534);
    const env = nodeEnv({ DATA_DIR: dataDir, PORT: String(await freePort()), HOME: dataDir });
    delete env.STREAMHUB_SKIP_BUILD;
    const child = spawn(process.execPath, [join(copy, "selfhost/start.ts")], { cwd: copy, env, uid: 65534, gid: 65534, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(output.trim().split("\n")).toHaveLength(1);
    expect(output).toMatch(/^streamhub: the Worker not built for this code, and \S+\/opt-streamhub\/ is read-only to nobody: build at install/);
  });
});
