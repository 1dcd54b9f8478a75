// The operations CLI as an operator uses it (selfhost/cli.ts, its own
// process) against a node started as `npm start` starts it, with the real
// LiveKit server: doctor, access recovery with tokens and admins (online
// through the API, offline on the Registry's database), and the secret key
// rotated with the node stopped.
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVerifyingS3, type VerifyingS3 } from "../s3/verifying-s3.ts";
import { runCli } from "./cli-run.ts";
import { call, freePort, removeDataDir, startStreamHub, tempDataDir, until, type RunningStreamHub } from "./harness.ts";
import { startRealLiveKit, type RealLiveKit } from "./real-livekit.ts";

let livekit: RealLiveKit;
let s3: VerifyingS3;
let node: RunningStreamHub | null = null;
let dataDir: string;
let port: number;
let receiver: Server;
let receiverUrl: string;
const received: { body: string; headers: Record<string, string> }[] = [];

const liveKitEnv = () => ({ LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: livekit.apiKey, LIVEKIT_API_SECRET: livekit.apiSecret });
const env = (extra: Record<string, string | undefined> = {}) => ({ DATA_DIR: dataDir, PORT: String(port), ...liveKitEnv(), ...extra });
const start = async () => {
  node = await startStreamHub({ dataDir, port, env: { ...liveKitEnv(), STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "1", STREAMHUB_S3_ALLOW_PRIVATE: "1" } });
};
const stop = async () => {
  await node?.stop();
  node = null;
};
const secrets = () => JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8")) as { STREAMHUB_API_TOKEN: string; STREAMHUB_SECRET_KEY: string };
const api = (method: string, path: string, json?: unknown, token = secrets().STREAMHUB_API_TOKEN) => call(node!.url, method, path, { token, json });

beforeAll(async () => {
  livekit = await startRealLiveKit({ webhookUrl: "http://127.0.0.1:9/nowhere" });
  s3 = await startVerifyingS3({ buckets: ["media"] });
  receiver = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    received.push({ body, headers: req.headers as Record<string, string> });
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
  dataDir = tempDataDir();
  port = await freePort();
  await start();
});

afterAll(async () => {
  await stop();
  removeDataDir(dataDir);
  await livekit?.close();
  await s3?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe("the operations CLI", () => {
  let webhookSecret: string;
  let endpointId: string;

  it("doctor passes on a healthy node, then fails with a clear line for a changed secret key and for LiveKit keys that do not match", { timeout: 90_000 }, async () => {
    expect((await api("POST", "/api/v1/apps", { name: "shows" })).status).toBe(201);
    const endpoint = (await api("POST", "/api/v1/apps/shows/webhooks", { url: receiverUrl, events: ["all"] })).body.data;
    [webhookSecret, endpointId] = [endpoint.secret, endpoint.id];
    const bucket = { provider: "minio", endpoint: s3.url, region: s3.region, bucket: "media", key: s3.credentials.accessKeyId, secret: s3.credentials.secretAccessKey };
    expect((await api("PUT", "/api/v1/apps/shows/s3", bucket)).status).toBe(200);

    const healthy = await runCli(["doctor"], env());
    expect(healthy.code, healthy.stdout + healthy.stderr).toBe(0);
    expect(healthy.stdout).toMatch(/^ok {4}configuration: valid/m);
    expect(healthy.stdout).toMatch(/^ok {4}node: running \(pid \d+/m);
    expect(healthy.stdout).toMatch(/^ok {4}LiveKit: ws:\/\/127\.0\.0\.1:\d+ answers and accepts our keys/m);
    expect(healthy.stdout).toMatch(/^ok {4}secret key: STREAMHUB_SECRET_KEY opens all 3 stored secrets/m);
    expect(healthy.stdout).toMatch(/^(ok|warn) {2,4}clock: .*against 127\.0\.0\.1:\d+ [+-]\d/m);
    expect(healthy.stdout).toMatch(/^warn  backups: none in /m);
    expect(healthy.stdout).toMatch(/^doctor: 0 failed/m);
    expect((await runCli(["backup"], env())).code).toBe(0);
    expect((await runCli(["doctor"], env())).stdout).toMatch(/^ok {4}backups: 1 in .*, the newest under a minute old/m);

    const changedKey = await runCli(["doctor"], env({ STREAMHUB_SECRET_KEY: "another-key-entirely-0123456789abcdef" }));
    expect(changedKey.code).toBe(1);
    expect(changedKey.stdout).toMatch(/^FAIL {2}secret key: STREAMHUB_SECRET_KEY does not open 3 of 3 stored secrets \(shows: secret s3\.secretAccessKey|^FAIL {2}secret key: STREAMHUB_SECRET_KEY does not open 3 of 3 stored secrets/m);
    expect(changedKey.stdout).toMatch(/^doctor: 1 failed/m);

    const wrongLiveKit = await runCli(["doctor"], env({ LIVEKIT_API_SECRET: "not-the-livekit-secret-0123456789abcdef" }));
    expect(wrongLiveKit.code).toBe(1);
    expect(wrongLiveKit.stdout).toMatch(/^FAIL {2}LiveKit: .* refuses LIVEKIT_API_KEY\/LIVEKIT_API_SECRET \(401\)/m);

    const badConfig = await runCli(["doctor"], env({ PUBLIC_BASE_URL: "not a url", STREAMHUB_AUTHZ_ENFORCE: "sometimes", METRICS_TOKEN: "short" }));
    expect(badConfig.code).toBe(1);
    expect(badConfig.stdout).toMatch(/^FAIL {2}configuration: invalid configuration: .*PUBLIC_BASE_URL.*METRICS_TOKEN/m);
  });

  it("tokens and admins: online through the API while the node runs, directly on the Registry's database while it is stopped", { timeout: 90_000 }, async () => {
    const online = await runCli(["token", "create", "ops"], env());
    expect(online.code, online.stderr).toBe(0);
    expect(online.stdout).toMatch(/created tok_\S+ \(online, through the API at http:\/\/127\.0\.0\.1:\d+\)/);
    const onlineToken = online.stdout.trim().split("\n").at(-1)!;
    expect((await api("GET", "/api/v1/apps", undefined, onlineToken)).status).toBe(200);
    const listed = await runCli(["token", "list", "--json"], env());
    expect(JSON.parse(listed.stdout).map((t: any) => t.name).sort()).toEqual(["bootstrap", "ops"]);

    await stop();
    // Stopped: the port must be free for the next start, and the doctor says who holds it if not.
    expect((await runCli(["doctor"], env())).stdout).toMatch(/^ok {4}ports: the node is stopped; 127\.0\.0\.1:\d+ free/m);
    const sockets: import("node:net").Socket[] = [];
    const squatter = createNetServer((socket) => sockets.push(socket)).listen(port, "127.0.0.1");
    await new Promise((resolve) => squatter.once("listening", resolve));
    const squatted = await runCli(["doctor"], env());
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => squatter.close(resolve));
    expect(squatted.code).toBe(1);
    expect(squatted.stdout).toMatch(new RegExp(`^FAIL  ports: the node is stopped but 127\\.0\\.0\\.1:${port} \\(the API\\) in use by another program`, "m"));
    // The operator lost every token: recovery without the API.
    const offline = await runCli(["token", "create", "rescue", "--scope", "app", "--app", "shows", "--allowed-ips", "127.0.0.1"], env());
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toMatch(/created (tok_\S+) \(offline, directly in the Registry's database; the node is stopped\)/);
    const rescue = offline.stdout.trim().split("\n").at(-1)!;
    const opsId = JSON.parse((await runCli(["token", "list", "--json"], env())).stdout).find((t: any) => t.name === "ops").id;
    const revoked = await runCli(["token", "revoke", opsId], env());
    expect(revoked.stdout).toContain(`revoked ${opsId} (offline`);
    const admin = await runCli(["admin", "create", "Root@Example.test", "--password-stdin"], env(), "a-strong-admin-password\n");
    expect(admin.code, admin.stderr).toBe(0);
    expect(admin.stdout).toContain("created superadmin root@example.test (offline");
    expect(admin.stdout).not.toContain("a-strong-admin-password");

    await start();
    expect((await api("GET", "/api/v1/apps/shows", undefined, rescue)).status).toBe(200);
    expect((await api("GET", "/api/v1/apps", undefined, onlineToken)).status).toBe(401);
    const login = await call(node!.url, "POST", "/api/v1/auth/login", { json: { user: "root@example.test", password: "a-strong-admin-password" } });
    expect(login.status).toBe(200);
    expect((await call(node!.url, "GET", "/api/v1/auth/me", { token: login.body.data.token })).body.data.isSuperadmin).toBe(true);

    const onlineAdmin = await runCli(["admin", "create", "second@example.test"], env());
    expect(onlineAdmin.stdout).toMatch(/created superadmin second@example\.test \(online, through the API[^\n]*\)\npassword \(shown once\): \S{20,}/);
    const onlineRevoke = await runCli(["token", "revoke", JSON.parse((await runCli(["token", "list", "--json"], env())).stdout).find((t: any) => t.name === "rescue").id], env());
    expect(onlineRevoke.stdout).toMatch(/revoked tok_\S+ \(online/);
    expect((await api("GET", "/api/v1/apps/shows", undefined, rescue)).status).toBe(401);
  });

  it("rotate-secret-key refuses while the node runs; stopped, it re-seals every secret, and the node starts with the new key and the same secrets", { timeout: 90_000 }, async () => {
    const refused = await runCli(["rotate-secret-key"], env());
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/a node is running on .*: stop it first/);

    const oldKey = secrets().STREAMHUB_SECRET_KEY;
    const maskedBefore = (await api("GET", "/api/v1/apps/shows/s3")).body.data;
    await stop();
    const rotated = await runCli(["rotate-secret-key"], env());
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain("re-sealed 3 secrets in 1 app databases under the new key");
    expect(secrets().STREAMHUB_SECRET_KEY).not.toBe(oldKey);
    // The old key opens nothing any more; the new one opens everything.
    expect((await runCli(["doctor"], env({ STREAMHUB_SECRET_KEY: oldKey }))).stdout).toMatch(/^FAIL {2}secret key: STREAMHUB_SECRET_KEY does not open 3 of 3/m);

    await start();
    const doctor = await runCli(["doctor"], env());
    expect(doctor.stdout).toMatch(/^ok {4}secret key: STREAMHUB_SECRET_KEY opens all 3 stored secrets/m);
    expect((await api("GET", "/api/v1/apps/shows/s3")).body.data).toEqual(maskedBefore);
    // The webhook secret is the same secret: a delivery verifies with what the receiver was given.
    const count = received.length;
    expect((await api("POST", `/api/v1/apps/shows/webhooks/${endpointId}/test`)).status).toBe(202);
    const delivery = await until("the test delivery", async () => received.length, (n) => n > count).then(() => received.at(-1)!);
    expect(() => new Webhook(webhookSecret).verify(delivery.body, delivery.headers)).not.toThrow();
  });

  it("answers misuse with exit code 2 and the usage", async () => {
    expect((await runCli(["launch-rockets"], env())).code).toBe(2);
    const missing = await runCli(["token", "create"], env());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("usage: token create <name>");
    expect((await runCli(["backup", "--keep", "zero"], env())).code).toBe(2);
    expect((await runCli(["token", "list", "--frobnicate"], env())).stderr).toContain("unknown option --frobnicate");
  });
});
