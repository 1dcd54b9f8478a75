import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { call, removeDataDir, startStreamHub, tempDataDir, until, type RunningStreamHub } from "./harness.ts";

const running: RunningStreamHub[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const node of running) await node.stop();
  for (const dir of dirs) removeDataDir(dir);
});

const start = async (options: Parameters<typeof startStreamHub>[0]) => {
  const node = await startStreamHub(options);
  running.push(node);
  return node;
};

const appDatabases = (dataDir: string) =>
  readdirSync(join(dataDir, "actors", "streamhub-app")).filter((file) => file.endsWith(".sqlite") && file !== "metadata.sqlite");

describe("npm start on a fresh DATA_DIR", () => {
  it("generates secrets (0600), prints the token once, and the app survives kill -9 and a restart", async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const first = await start({ dataDir });

    // First run: secrets on disk, readable by this user only, the token printed with a curl line.
    const secretsFile = join(dataDir, "secrets.json");
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(readFileSync(secretsFile, "utf8"));
    const token = first.printedToken();
    expect(token).toBe(secrets.STREAMHUB_API_TOKEN);
    expect(first.output()).toContain(`curl -H "Authorization: Bearer ${token}" ${first.url}/api/v1/apps`);

    // The dashboard answers at the root and at its client-side routes (never a listing of its files).
    for (const path of ["/", "/apps", "/assets/"]) {
      const page = await fetch(`${first.url}${path}`);
      expect([path, page.status, page.headers.get("Content-Type")]).toEqual([path, 200, "text/html; charset=utf-8"]);
      expect(await page.text()).toContain('<div id="root">');
    }

    const health = await call(first.url, "GET", "/api/v1/health");
    expect(health.body.data).toMatchObject({ status: "ok", storage: { ok: true }, livekit: { reachable: false } });

    // Create, read, patch with the printed token.
    expect((await call(first.url, "GET", "/api/v1/apps")).status).toBe(401);
    const created = await call(first.url, "POST", "/api/v1/apps", { token, json: { name: "survivor", displayName: "Survivor" } });
    expect(created.status).toBe(201);
    // The app's own database comes into being at its first use: here, its callback secret.
    expect(appDatabases(dataDir)).toHaveLength(0);
    const patched = await call(first.url, "PATCH", "/api/v1/apps/survivor", { token, json: { splitMinutes: 15, callbackSecret: "a-callback-secret-1" } });
    expect(patched.status).toBe(200);
    expect(appDatabases(dataDir)).toHaveLength(1);

    // The secret is not on disk in the clear.
    for (const file of readdirSync(join(dataDir, "actors", "streamhub-app"))) {
      expect(readFileSync(join(dataDir, "actors", "streamhub-app", file)).includes("a-callback-secret-1")).toBe(false);
    }

    // The token is kept (0600) until a start that answered has shown it: then it is gone, and never printed again.
    await until("the shown first-run token is forgotten", async () => existsSync(join(dataDir, "first-run-token")), (exists) => !exists);
    await first.kill9();

    const second = await start({ dataDir });
    expect(second.printedToken()).toBeUndefined();
    const read = await call(second.url, "GET", "/api/v1/apps/survivor", { token });
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(patched.body.data);

    // Delete wipes; a re-create starts empty.
    expect((await call(second.url, "DELETE", "/api/v1/apps/survivor", { token })).body.data).toEqual({ deleted: true, name: "survivor" });
    expect((await call(second.url, "GET", "/api/v1/apps/survivor", { token })).status).toBe(404);
    const again = await call(second.url, "POST", "/api/v1/apps", { token, json: { name: "survivor" } });
    expect(again.status).toBe(201);
    expect(JSON.parse(again.body.data.settingsJson)).toEqual({});
    expect(again.body.data.id).not.toBe(created.body.data.id);
    await second.stop();
  });

  it("uses STREAMHUB_API_TOKEN from the environment instead of generating one", async () => {
    const token = "sk_operator_chosen_token_0123456789abcdefghij";
    const node = await start({ env: { STREAMHUB_API_TOKEN: token } });
    dirs.push(node.dataDir);
    expect(node.printedToken()).toBeUndefined();
    expect((await call(node.url, "GET", "/api/v1/apps", { token })).status).toBe(200);
    await node.stop();
  });

  it("refuses to start on a bad setting, naming the variable", async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const node = startStreamHub({ dataDir, env: { STREAMHUB_AUTHZ_ENFORCE: "sometimes" } });
    await expect(node).rejects.toThrow(/STREAMHUB_AUTHZ_ENFORCE must be on, log or off/);
    const badPort = startStreamHub({ dataDir, env: { PORT: "70000" } });
    await expect(badPort).rejects.toThrow(/PORT/);
  });
});
