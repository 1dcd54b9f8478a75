// The restore drill (issue 14): a node with apps, tenants, users, tokens,
// webhooks, S3 settings, an ingress and a recording is backed up by the CLI
// WHILE webhooks are being delivered and LiveKit events arrive, encrypted and
// uploaded to a real S3 on loopback; the node is stopped, its DATA_DIR wiped,
// the backup restored from the bucket into the empty folder, the node
// started again, and everything compared through the API.
import { createServer, type Server } from "node:http";
import { existsSync, readdirSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveKitStandin } from "../livekit/standin.ts";
import { startVerifyingS3, type VerifyingS3 } from "../s3/verifying-s3.ts";
import { call, removeDataDir, startStreamHub, tempDataDir, until, type RunningStreamHub } from "./harness.ts";
import { listUploadedBackups, NODE_FILES } from "../../selfhost/backup.ts";
import { runCli } from "./cli-run.ts";

const KEY = "APIe2ebackup";
const SECRET = "e2e-backup-livekit-secret-0123456789abcdef";
const TOKEN = "sk_backup_e2e_token_0123456789abcdefghijklmn";
const BACKUP_KEY = "drill-backup-passphrase-0123456789";

let s3: VerifyingS3;
let standin: LiveKitStandin;
let livekitUrl: string;
let receiver: Server;
let receiverUrl: string;
const received: { id: string; verified: boolean }[] = [];
let webhookSecret = "";
let dataDir: string;
let port: number;
let node: RunningStreamHub | null = null;
const backupDir = mkdtempSync(join(tmpdir(), "streamhub-backups-"));

const nodeEnv = () => ({
  STREAMHUB_API_TOKEN: TOKEN,
  LIVEKIT_URL: livekitUrl,
  LIVEKIT_API_KEY: KEY,
  LIVEKIT_API_SECRET: SECRET,
  STREAMHUB_S3_ALLOW_PRIVATE: "1",
  STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "1",
  STREAMHUB_JWT_SECRET: "backup-drill-jwt-secret-0123456789abcdef",
});
const cliEnv = () => ({
  DATA_DIR: dataDir,
  PORT: String(port),
  STREAMHUB_BACKUP_KEY: BACKUP_KEY,
  STREAMHUB_BACKUP_S3_URL: "s3://backups/node-1",
  STREAMHUB_BACKUP_S3_ENDPOINT: s3.url,
  STREAMHUB_BACKUP_S3_REGION: s3.region,
  STREAMHUB_BACKUP_S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  STREAMHUB_BACKUP_S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  STREAMHUB_BACKUP_DIR: backupDir,
});

const api = (method: string, path: string, json?: unknown, token = TOKEN) => call(node!.url, method, path, { token, json });

async function startNode() {
  node = await startStreamHub({ dataDir, port, env: nodeEnv() });
  standin.setWebhookUrl(`${node.url}/api/v1/webhooks/livekit`);
}

beforeAll(async () => {
  s3 = await startVerifyingS3({ buckets: ["media", "backups"] });
  standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET });
  livekitUrl = await standin.listen();
  receiver = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    let verified = false;
    try {
      new Webhook(webhookSecret).verify(body, req.headers as Record<string, string>);
      verified = true;
    } catch {
      // counted as unverified
    }
    received.push({ id: String(req.headers["webhook-id"]), verified });
    // A receiver that takes its time, so deliveries are in flight while the backup runs.
    setTimeout(() => res.writeHead(204).end(), 15);
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
  dataDir = tempDataDir();
  const { freePort } = await import("./harness.ts");
  port = await freePort();
  await startNode();
});

afterAll(async () => {
  await node?.stop();
  removeDataDir(dataDir);
  removeDataDir(backupDir);
  await standin?.close();
  await s3?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** What the API shows of the node's state, minus what moves by itself (last use, live counters). */
async function snapshot(ids: { webhookId: string; vodId: string; ingressId: string; tenantId: string }) {
  const strip = (rows: any[]) => rows.map(({ lastUsedAt: _lastUsedAt, ...row }) => row);
  const deliveryIds = new Set<string>();
  for (let offset = 0; ; offset += 500) {
    const page = (await api("GET", `/api/v1/apps/shows/webhooks/${ids.webhookId}/deliveries?limit=500&offset=${offset}`)).body;
    for (const delivery of page.data) deliveryIds.add(delivery.id);
    if (page.data.length < 500) break;
  }
  return {
    apps: (await api("GET", "/api/v1/apps?limit=100")).body.data,
    shows: (await api("GET", "/api/v1/apps/shows")).body.data,
    s3: (await api("GET", "/api/v1/apps/shows/s3")).body.data,
    tokens: strip((await api("GET", "/api/v1/tokens?limit=100")).body.data),
    tenants: (await api("GET", "/api/v1/tenants?limit=100")).body.data,
    tenant: (await api("GET", `/api/v1/tenants/${ids.tenantId}`)).body.data,
    // From the tenant's quota ledger (its own database).
    usage: (await api("GET", `/api/v1/tenants/${ids.tenantId}/usage`)).body.data,
    users: (await api("GET", "/api/v1/users?limit=100")).body.data,
    webhooks: (await api("GET", "/api/v1/apps/shows/webhooks")).body.data,
    vods: (await api("GET", "/api/v1/apps/shows/vods?limit=1000")).body.data.map(({ presignedUrl: _p, url: _u, ...vod }: any) => vod),
    ingress: (await api("GET", `/api/v1/apps/shows/ingress/${ids.ingressId}`)).body.data,
    deliveryIds,
  };
}

describe("backups that restore", () => {
  it("a backup taken while webhooks are delivered restores into an empty DATA_DIR with nothing missing", { timeout: 240_000 }, async () => {
    // ── what an operator's node holds ──
    const tenant = (await api("POST", "/api/v1/tenants", { id: "acme", name: "Acme", plan: "pro", quotas: { maxApps: 7 } })).body.data;
    expect((await api("POST", "/api/v1/apps", { name: "shows", displayName: "Shows" })).status).toBe(201);
    expect((await api("POST", "/api/v1/apps", { name: "acme-live", tenantId: "acme" })).status).toBe(201);
    expect((await api("PATCH", "/api/v1/apps/shows", { features: { rtmpPassword: true, viewerCounter: false }, splitMinutes: 30, branding: { primaryColor: "#aa3300" } })).status).toBe(200);
    const owner = (await api("POST", "/api/v1/users", { email: "owner@acme.test", password: "owner-password-0123", tenantId: "acme", role: "owner" })).body.data;
    const appToken = (await api("POST", "/api/v1/tokens", { name: "acme app", scope: "app", appId: "acme-live" })).body.data;
    const oldToken = (await api("POST", "/api/v1/tokens", { name: "old", scope: "global" })).body.data;
    expect((await api("DELETE", `/api/v1/tokens/${oldToken.id}`)).status).toBe(204);
    const bucket = { provider: "minio", endpoint: s3.url, region: s3.region, bucket: "media", key: s3.credentials.accessKeyId, secret: s3.credentials.secretAccessKey };
    expect((await api("PUT", "/api/v1/apps/shows/s3", bucket)).status).toBe(200);
    const endpoint = (await api("POST", "/api/v1/apps/shows/webhooks", { url: receiverUrl, events: ["all"] })).body.data;
    webhookSecret = endpoint.secret;
    const ingress = (await api("POST", "/api/v1/apps/shows/ingress", { inputType: "rtmp", room: "stage" })).body.data;

    // A recording, so that the VOD catalog has a row.
    const publisher = (await api("POST", "/api/v1/apps/shows/tokens", { room: "main", identity: "host" })).body.data;
    await standin.join(publisher.token);
    await standin.publish("shows-main", "host");
    const { vodId, egressId } = (await api("POST", "/api/v1/apps/shows/recording/start", { roomName: "main" })).body.data;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await api("POST", `/api/v1/apps/shows/recording/${vodId}/stop`);
    await standin.egresses.get(egressId)?.finished;
    await until("the VOD to be ready", async () => (await api("GET", `/api/v1/apps/shows/vods/${vodId}`)).body.data?.status, (status) => status === "ready");
    const ids = { webhookId: endpoint.id, vodId, ingressId: ingress.ingressId, tenantId: tenant.id };

    // ── the backup, under load: test pings and LiveKit events keep deliveries in flight ──
    let loading = true;
    let sent = 0;
    const refused: number[] = [];
    const load = (async () => {
      for (let i = 0; loading; i++) {
        const ping = await api("POST", `/api/v1/apps/shows/webhooks/${endpoint.id}/test`);
        if (ping.status !== 202) refused.push(ping.status);
        if (i % 5 === 0) await standin.addParticipant("shows-main", { identity: `viewer-${i}` });
        sent++;
      }
    })().catch((error: Error) => {
      loading = false;
      throw error;
    });
    await until("deliveries to be flowing", async () => received.length, (count) => count >= 10);
    const deliveredBefore = received.length;
    const before = await snapshot(ids).catch((error) => {
      loading = false;
      throw error;
    });
    const backup = await runCli(["backup"], cliEnv());
    const after = await snapshot(ids).finally(() => (loading = false));
    await load;
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/backed up \d+ databases \(.*1 registry.*\) and secrets\.json into .*\.tar\.gz\.enc \(.*encrypted\)/);
    expect(backup.stdout).toMatch(/uploaded to s3:\/\/backups\/node-1\/streamhub-backup-\d{8}T\d{6}\.\d{3}Z\.tar\.gz\.enc/);
    expect(sent).toBeGreaterThan(5);
    // The node kept serving and delivering while its databases were read: no refusal, no lock error.
    expect(refused).toEqual([]);
    expect(received.length).toBeGreaterThan(deliveredBefore);
    expect(node!.output()).not.toMatch(/SQLITE_BUSY|database is locked|internal_error/);
    // Every request to the bucket was signed right.
    expect(s3.seen.filter((request) => request.verdict !== "ok")).toEqual([]);

    // ── wipe, restore from the bucket, start ──
    await node!.stop();
    node = null;
    const nodeFiles = NODE_FILES.filter((name) => existsSync(join(dataDir, name)));
    removeDataDir(dataDir);
    expect(existsSync(dataDir)).toBe(false);
    const restore = await runCli(["restore", "s3:latest"], cliEnv());
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain("restored");
    // acme-live's actor was never used, so it has no database yet: it is an app of the Registry only.
    expect(restore.stdout).toMatch(/the Registry \(2 apps, 3 API tokens, 1 users, 2 tenants\), 1 app databases \(shows\), 2 quota ledgers/);
    expect(readdirSync(dataDir).sort()).toEqual(["actors", ...nodeFiles].sort());
    await startNode();

    // ── compare through the API ──
    const restored = await snapshot(ids);
    const { deliveryIds: restoredDeliveries, ...restoredState } = restored;
    const { deliveryIds: beforeDeliveries, ...beforeState } = before;
    expect(restoredState).toEqual(beforeState);
    // The delivery log: everything logged before the backup started, nothing that was not logged by the time it ended.
    for (const id of beforeDeliveries) expect(restoredDeliveries.has(id), `delivery ${id}`).toBe(true);
    for (const id of restoredDeliveries) expect(after.deliveryIds.has(id), `delivery ${id}`).toBe(true);
    // Sealed secrets open under the restored key: the stream key shows, the bucket still answers, webhooks are signed.
    expect(restored.ingress.streamKey).toBe(ingress.streamKey);
    expect(restored.s3.keyMasked).toBe(before.s3.keyMasked);
    const verifiedBefore = received.filter((r) => r.verified).length;
    expect((await api("POST", `/api/v1/apps/shows/webhooks/${endpoint.id}/test`)).status).toBe(202);
    await until("a ping after the restore, signed with the restored secret", async () => received.filter((r) => r.verified).length, (count) => count > verifiedBefore);
    // Credentials: the app token works, the revoked one stays revoked, the owner logs in.
    expect((await api("GET", "/api/v1/apps/acme-live", undefined, appToken.token)).status).toBe(200);
    expect((await api("GET", "/api/v1/apps", undefined, oldToken.token)).status).toBe(401);
    expect((await call(node!.url, "POST", "/api/v1/auth/login", { json: { user: owner.email, password: "owner-password-0123" } })).status).toBe(200);
    expect(received.every((r) => r.verified)).toBe(true);

    // And the restored node is healthy as the doctor sees it.
    const doctor = await runCli(["doctor"], { DATA_DIR: dataDir, PORT: String(port), LIVEKIT_URL: livekitUrl, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET });
    expect(doctor.stdout).toMatch(/ok {4}secret key: STREAMHUB_SECRET_KEY opens all [1-9]\d* stored secrets/);
  });

  it("refuses what would lose data: a restore while the node runs, into a DATA_DIR that holds databases, or with the wrong key", { timeout: 60_000 }, async () => {
    const archive = join(backupDir, readdirSync(backupDir).find((name) => name.endsWith(".enc"))!);
    const running = await runCli(["restore", archive], cliEnv());
    expect(running.code).toBe(3);
    expect(running.stderr).toMatch(/a node is running on .* stop it first/);

    const other = tempDataDir();
    try {
      const wrongKey = await runCli(["restore", archive], { ...cliEnv(), DATA_DIR: other, STREAMHUB_BACKUP_KEY: "not-the-backup-key-0123456789" });
      expect(wrongKey.code).toBe(1);
      expect(wrongKey.stderr).toContain("cannot be decrypted: wrong STREAMHUB_BACKUP_KEY");
      expect(existsSync(join(other, "actors"))).toBe(false);
      expect((await runCli(["restore", archive], { ...cliEnv(), DATA_DIR: other })).code).toBe(0);
      const again = await runCli(["restore", archive], { ...cliEnv(), DATA_DIR: other });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already holds \d+ databases; restore goes into an empty DATA_DIR/);
      // Retention: only the newest archives stay, here and in the bucket.
      for (let i = 0; i < 3; i++) expect((await runCli(["backup", "--keep", "2"], { ...cliEnv(), STREAMHUB_BACKUP_S3_KEEP: "1" })).code).toBe(0);
      expect(readdirSync(backupDir).filter((name) => name.startsWith("streamhub-backup-"))).toHaveLength(2);
      const bucket = { endpoint: s3.url, bucket: "backups", region: s3.region, prefix: "node-1", accessKeyId: s3.credentials.accessKeyId, secretAccessKey: s3.credentials.secretAccessKey };
      expect(await listUploadedBackups(bucket)).toHaveLength(1);
      const plain = await runCli(["backup"], { ...cliEnv(), STREAMHUB_BACKUP_KEY: undefined });
      expect(plain.code).toBe(2);
      expect(plain.stderr).toContain("needs STREAMHUB_BACKUP_KEY");
      // Without a bucket an unencrypted archive is allowed (and says so); it restores without a key.
      const local = await runCli(["backup", "--out", join(other, "plain")], { ...cliEnv(), STREAMHUB_BACKUP_KEY: undefined, STREAMHUB_BACKUP_S3_URL: undefined });
      expect(local.stdout).toContain("NOT encrypted");
      const fresh = tempDataDir();
      try {
        const restored = await runCli(["restore", join(other, "plain", readdirSync(join(other, "plain"))[0]!)], { DATA_DIR: fresh });
        expect(restored.code, restored.stderr).toBe(0);
      } finally {
        removeDataDir(fresh);
      }
    } finally {
      removeDataDir(other);
    }
  });
});
