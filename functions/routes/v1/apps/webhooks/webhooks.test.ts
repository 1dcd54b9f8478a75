import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import app from "../../../../index.ts";
import { api, createApp, DEFAULT_PEER, livekit, uniqueName } from "../../../../testing.ts";

const RECEIVER = (env as unknown as Record<string, string>).TEST_WEBHOOK_RECEIVER!;
const actorOf = (name: string) => env.APP.get(env.APP.idFromName(name));

interface Receipt {
  headers: Record<string, string>;
  body: string;
  verified: boolean;
}

async function inbox(secrets: string[], responses: { status: number; headers?: Record<string, string> }[] = [{ status: 204 }]) {
  const name = uniqueName("inbox");
  await fetch(`${RECEIVER}/_config/${name}`, { method: "POST", body: JSON.stringify({ secrets, responses }) });
  return { url: `${RECEIVER}/r/${name}`, received: async () => (await (await fetch(`${RECEIVER}/_received/${name}`)).json()) as Receipt[] };
}

async function endpointFor(appName: string, json: Record<string, unknown> = {}): Promise<{ id: string; secret: string; box: Awaited<ReturnType<typeof inbox>> }> {
  const box = await inbox([]);
  const created = (await api("POST", `/api/v1/apps/${appName}/webhooks`, { json: { url: box.url, ...json } })).body.data;
  await fetch(`${box.url.replace("/r/", "/_config/")}`, { method: "POST", body: JSON.stringify({ secrets: [created.secret] }) });
  return { ...created, box };
}

async function streamEvents(appName: string) {
  const minted = (await api("POST", `/api/v1/apps/${appName}/tokens`, { json: { room: "hooked", identity: "host" } })).body.data;
  await livekit("join", { token: minted.token });
  await livekit("publish", { room: minted.room, identity: "host" });
}

describe("against the LiveKit stand-in: outbound webhooks", () => {
  it("deliver every app event, signed so that the standardwebhooks library verifies it, with the legacy headers too", async () => {
    const record = await createApp();
    const endpoint = await endpointFor(record.name);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(JSON.stringify((await api("GET", `/api/v1/apps/${record.name}/webhooks`)).body)).not.toContain(endpoint.secret);

    await streamEvents(record.name);
    await actorOf(record.name).deliverDue();
    const received = await endpoint.box.received();
    const events = received.map((r) => JSON.parse(r.body).event);
    expect(events).toEqual(expect.arrayContaining(["room_started", "participant_joined", "track_published", "stream_started"]));
    expect(received.every((r) => r.verified)).toBe(true);

    const first = received.find((r) => JSON.parse(r.body).event === "stream_started")!;
    const body = JSON.parse(first.body);
    expect(body).toMatchObject({ event: "stream_started", type: "stream_started", app: record.name, id: first.headers["webhook-id"], data: { participant: "host" } });
    expect(first.headers["x-streamhub-event"]).toBe("stream_started");
    expect(first.headers["x-streamhub-delivery"]).toBe(first.headers["webhook-id"]);
    expect(first.headers["user-agent"]).toBe("streamhub-core/callbacks");
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(endpoint.secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const legacy = [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(first.body)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(first.headers["x-streamhub-signature"]).toBe(`sha256=${legacy}`);

    const log = (await api("GET", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}/deliveries?status=delivered`)).body;
    expect(log.total).toBe(received.length);
  });

  it("filters by event and stays quiet while disabled", async () => {
    const record = await createApp();
    const only = await endpointFor(record.name, { events: ["stream_started"] });
    const off = await endpointFor(record.name, { enabled: false });
    await streamEvents(record.name);
    await actorOf(record.name).deliverDue();
    expect((await only.box.received()).map((r) => JSON.parse(r.body).event)).toEqual(["stream_started"]);
    expect(await off.box.received()).toEqual([]);
  });

  it("retries on the schedule with the same webhook-id until the receiver takes it", async () => {
    const record = await createApp();
    const endpoint = await endpointFor(record.name, { events: ["stream_started"] });
    await fetch(endpoint.box.url.replace("/r/", "/_config/"), { method: "POST", body: JSON.stringify({ responses: [{ status: 503 }, { status: 500 }, { status: 200 }] }) });
    await streamEvents(record.name);
    const actor = actorOf(record.name);
    await actor.deliverDue();
    let [delivery] = (await api("GET", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}/deliveries`)).body.data;
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatus: 503 });
    // 5 s after the attempt, give or take its 10 % jitter (measured from the attempt, not from the test's clock).
    const wait = Date.parse(delivery.nextAttemptAt) - Date.parse(delivery.updatedAt);
    expect(wait).toBeGreaterThanOrEqual(4_500);
    expect(wait).toBeLessThanOrEqual(5_500);

    await actor.deliverDue(Date.now() + 6_000);
    [delivery] = (await api("GET", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}/deliveries`)).body.data;
    expect(delivery).toMatchObject({ status: "pending", attempts: 2, lastStatus: 500 });
    expect(Date.parse(delivery.nextAttemptAt) - Date.now()).toBeGreaterThan(4 * 60_000);

    await actor.deliverDue(Date.now() + 6 * 60_000);
    const detail = (await api("GET", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}/deliveries/${delivery.id}`)).body.data;
    expect(detail.status).toBe("delivered");
    expect(detail.attemptLog.map((a: any) => a.status)).toEqual([503, 500, 200]);
    const ids = new Set((await endpoint.box.received()).map((r) => r.headers["webhook-id"]));
    expect(ids).toEqual(new Set([delivery.webhookId]));
  });

  it("honours Retry-After, fails a 4xx at once (replayable with the same id), and disables on 410", async () => {
    const record = await createApp();
    const endpoint = await endpointFor(record.name, { events: ["webhook.test"] });
    const configure = (responses: unknown) => fetch(endpoint.box.url.replace("/r/", "/_config/"), { method: "POST", body: JSON.stringify({ responses }) });
    const ping = async () => (await api("POST", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}/test`)).body.data.deliveryId as string;
    const detail = async (id: string) => (await api("GET", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}/deliveries/${id}`)).body.data;

    await configure([{ status: 429, headers: { "Retry-After": "120" } }]);
    const limited = await detail(await ping());
    expect(Date.parse(limited.nextAttemptAt) - Date.now()).toBeGreaterThan(110_000);

    await configure([{ status: 400 }, { status: 204 }]);
    const rejected = await ping();
    expect((await detail(rejected)).status).toBe("failed");
    expect((await api("POST", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}/deliveries/${rejected}/replay`)).status).toBe(202);
    const replayed = await detail(rejected);
    expect(replayed.status).toBe("delivered");
    const receipts = (await endpoint.box.received()).filter((r) => r.headers["webhook-id"] === replayed.webhookId);
    expect(receipts).toHaveLength(2);
    expect(receipts[0]!.body).toBe(receipts[1]!.body);

    await configure([{ status: 410 }]);
    await ping();
    const disabled = (await api("GET", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}`)).body.data;
    expect(disabled).toMatchObject({ enabled: false, disabledReason: expect.stringContaining("410") });
    expect((await actorOf(record.name).events(0, 1000)).map((e) => e.type)).toContain("webhook.endpoint_disabled");
  });

  it("signs with the old and the new secret during a rotation", async () => {
    const record = await createApp();
    const endpoint = await endpointFor(record.name, { events: ["webhook.test"] });
    const rotated = (await api("POST", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}/rotate`)).body.data;
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(Date.parse(rotated.previousValidUntil) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const oldOnly = await inbox([endpoint.secret]);
    const newOnly = await inbox([rotated.secret]);
    for (const box of [oldOnly, newOnly]) {
      await api("PATCH", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}`, { json: { url: box.url } });
      await api("POST", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}/test`);
      const [receipt] = await box.received();
      expect(receipt!.verified).toBe(true);
      expect(receipt!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    }
  });

  it("refuses private and loopback targets unless STREAMHUB_WEBHOOK_ALLOW_PRIVATE is on", async () => {
    const record = await createApp();
    const strict = { ...env, STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "0" };
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
    for (const url of ["http://127.0.0.1:8080/h", "http://10.1.2.3/h", "http://[::1]/h", "http://169.254.169.254/latest", "http://localhost/h", "http://metadata.google.internal/x"]) {
      const response = await app.request(
        `/api/v1/apps/${record.name}/webhooks`,
        { method: "POST", headers: { Authorization: `Bearer ${(env as any).STREAMHUB_API_TOKEN}`, "Content-Type": "application/json" }, body: JSON.stringify({ url }), cf: { clientIp: DEFAULT_PEER } } as RequestInit,
        strict,
        ctx,
      );
      expect(response.status, url).toBe(400);
      expect(((await response.json()) as any).error.code).toBe("webhook_url_private");
    }
    expect((await api("GET", `/api/v1/apps/${record.name}/webhooks`)).body.data).toEqual([]);
  });

  it("validates input and answers 404 for unknown endpoints", async () => {
    const record = await createApp();
    for (const json of [{ url: "ftp://x" }, { url: "https://x.example", events: [] }, { url: "https://x.example", events: ["Bad Event"] }, { url: "https://x.example", extra: 1 }]) {
      expect((await api("POST", `/api/v1/apps/${record.name}/webhooks`, { json })).status).toBe(400);
    }
    for (const [method, path] of [["GET", "whep_missing"], ["PATCH", "whep_missing"], ["DELETE", "whep_missing"], ["POST", "whep_missing/rotate"], ["POST", "whep_missing/test"], ["GET", "whep_missing/deliveries"]] as const) {
      expect((await api(method, `/api/v1/apps/${record.name}/webhooks/${path}`, { json: method === "PATCH" ? { enabled: true } : undefined })).status).toBe(404);
    }
  });
});

describe("against the LiveKit stand-in: the legacy callback settings", () => {
  it("map onto one endpoint signed with the app's callbackSecret, changed and removed with them", async () => {
    const record = await createApp();
    const secret = "legacy-plain-secret-123";
    const box = await inbox([]);
    await api("PATCH", `/api/v1/apps/${record.name}`, { json: { callbackUrl: box.url, callbackSecret: secret } });
    const [endpoint] = (await api("GET", `/api/v1/apps/${record.name}/webhooks`)).body.data;
    expect(endpoint).toMatchObject({ url: box.url, legacy: true, events: ["all"], enabled: true });

    await api("POST", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}/test`);
    const [receipt] = await box.received();
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const expected = [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(receipt!.body)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(receipt!.headers["x-streamhub-signature"]).toBe(`sha256=${expected}`);

    await api("PATCH", `/api/v1/apps/${record.name}`, { json: { callbackUrl: null } });
    expect((await api("GET", `/api/v1/apps/${record.name}/webhooks`)).body.data).toEqual([]);
  });
});

describe("against the LiveKit stand-in: an endpoint that keeps failing", () => {
  it("is disabled, with an event, once it has failed for over 3 days", async () => {
    const { runInDurableObject } = await import("cloudflare:test");
    const record = await createApp();
    const endpoint = await endpointFor(record.name, { events: ["webhook.test"] });
    await fetch(endpoint.box.url.replace("/r/", "/_config/"), { method: "POST", body: JSON.stringify({ responses: [{ status: 500 }] }) });
    await api("POST", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}/test`);
    const failing = (await api("GET", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}`)).body.data;
    expect(failing).toMatchObject({ enabled: true, failingSince: expect.any(String) });

    // Three days and more of failures: move the start of the failing streak back in time.
    await runInDurableObject(actorOf(record.name), (_instance, state) => {
      state.storage.sql.exec("UPDATE webhook_endpoints SET failing_since = ? WHERE id = ?", Date.now() - 4 * 24 * 3600_000, endpoint.id);
    });
    await api("POST", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}/test`);
    const disabled = (await api("GET", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}`)).body.data;
    expect(disabled).toMatchObject({ enabled: false, disabledReason: expect.stringContaining("3 days") });
    expect((await actorOf(record.name).events(0, 1000)).map((e) => e.type)).toContain("webhook.endpoint_disabled");

    // Turning it on again clears the streak.
    const again = (await api("PATCH", `/api/v1/apps/${record.name}/webhooks/${endpoint.id}`, { json: { enabled: true } })).body.data;
    expect(again).toMatchObject({ enabled: true, failingSince: null, disabledReason: null });
  });
});
