import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createApp, uniqueName } from "../../../testing.ts";

// The original's per-app callbackUrl / callbackSecret carry over unchanged:
// a receiver's existing secret keeps verifying, whatever its length.

const RECEIVER = (env as unknown as Record<string, string>).TEST_WEBHOOK_RECEIVER!;

async function inbox() {
  const name = uniqueName("inbox");
  await fetch(`${RECEIVER}/_config/${name}`, { method: "POST", body: JSON.stringify({ secrets: [] }) });
  return { url: `${RECEIVER}/r/${name}`, received: async () => (await (await fetch(`${RECEIVER}/_received/${name}`)).json()) as { headers: Record<string, string>; body: string }[] };
}

async function legacySignature(secret: string, body: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

async function pingLegacyEndpoint(app: string) {
  const endpoints = (await api("GET", `/api/v1/apps/${app}/webhooks`)).body.data as { id: string; legacy: boolean }[];
  const legacy = endpoints.filter((e) => e.legacy);
  expect(legacy).toHaveLength(1);
  expect((await api("POST", `/api/v1/apps/${app}/webhooks/${legacy[0]!.id}/test`)).status).toBeLessThan(300);
}

describe("legacy callbackSecret", () => {
  it("takes a short legacy secret and signs the callback with it (X-StreamHub-Signature)", async () => {
    const app = await createApp();
    const box = await inbox();
    const patched = await api("PATCH", `/api/v1/apps/${app.name}`, { json: { callbackUrl: box.url, callbackSecret: "abc" } });
    expect(patched.status).toBe(200);
    expect(JSON.parse(patched.body.data.settingsJson).callbackSecretMasked).toBe("****");

    await pingLegacyEndpoint(app.name);
    const [receipt] = await box.received();
    expect(receipt!.headers["x-streamhub-signature"]).toBe(await legacySignature("abc", receipt!.body));
  });

  it("re-keys the callback when only the secret changes", async () => {
    const app = await createApp();
    const box = await inbox();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { callbackUrl: box.url, callbackSecret: "first-secret" } });
    expect((await api("PATCH", `/api/v1/apps/${app.name}`, { json: { callbackSecret: "x1" } })).status).toBe(200);
    await pingLegacyEndpoint(app.name);
    const [receipt] = await box.received();
    expect(receipt!.headers["x-streamhub-signature"]).toBe(await legacySignature("x1", receipt!.body));
  });

  it("is one endpoint that callbackUrl moves and null removes, set before its secret or after", async () => {
    const app = await createApp();
    const box = await inbox();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { callbackUrl: "https://hooks.example.com/a" } });
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { callbackUrl: box.url } });
    const endpoints = (await api("GET", `/api/v1/apps/${app.name}/webhooks`)).body.data;
    expect(endpoints).toEqual([expect.objectContaining({ url: box.url, legacy: true })]);

    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { callbackSecret: "late" } });
    await pingLegacyEndpoint(app.name);
    const [receipt] = await box.received();
    expect(receipt!.headers["x-streamhub-signature"]).toBe(await legacySignature("late", receipt!.body));

    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { callbackUrl: null } });
    expect((await api("GET", `/api/v1/apps/${app.name}/webhooks`)).body.data).toEqual([]);
  });

  it("still refuses an empty secret (null clears it)", async () => {
    const app = await createApp();
    const response = await api("PATCH", `/api/v1/apps/${app.name}`, { json: { callbackSecret: "" } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "validation_failed", message: expect.stringMatching(/^callbackSecret: must not be empty/) });
  });

  it("never shows the secret: not in the app, its audit log or the server log", async () => {
    const app = await createApp();
    const secret = `zq${uniqueName("s").replace(/-/g, "")}`.slice(0, 10);
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { callbackSecret: secret } });
    for (const path of [`/api/v1/apps/${app.name}`, `/api/v1/apps/${app.name}/audit`, `/api/v1/logs?q=${secret}`, "/api/v1/apps"]) {
      const response = await api("GET", path);
      expect(response.status).toBe(200);
      expect(JSON.stringify(response.body)).not.toContain(secret);
    }
  });
});
