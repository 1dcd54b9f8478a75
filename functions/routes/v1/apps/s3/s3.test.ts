import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createApp } from "../../../../testing.ts";

const S3 = JSON.parse((env as unknown as Record<string, string>).TEST_S3!) as { url: string; accessKeyId: string; secretAccessKey: string; region: string };
const good = (overrides: Record<string, unknown> = {}) => ({
  provider: "minio",
  endpoint: S3.url,
  region: S3.region,
  bucket: "vods",
  prefix: "recordings/",
  key: S3.accessKeyId,
  secret: S3.secretAccessKey,
  ...overrides,
});

describe("per-app S3 settings", () => {
  it("saves settings that work, masks the keys, and keeps them when omitted", async () => {
    const app = await createApp();
    expect((await api("GET", `/api/v1/apps/${app.name}/s3`)).body.data).toMatchObject({ configured: false, hasKey: false, hasSecret: false });

    const saved = await api("PUT", `/api/v1/apps/${app.name}/s3`, { json: good() });
    expect(saved.status).toBe(200);
    expect(saved.body.data).toMatchObject({ provider: "minio", bucket: "vods", prefix: "recordings", forcePathStyle: true, configured: true, hasKey: true, hasSecret: true });
    expect(saved.body.data.secret).toMatch(/^\w{2}\*\*\*\w{2}$/);
    expect(JSON.stringify(saved.body)).not.toContain(S3.secretAccessKey);

    const renamed = await api("PUT", `/api/v1/apps/${app.name}/s3`, { json: good({ prefix: "elsewhere", key: "", secret: undefined }) });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ prefix: "elsewhere", hasSecret: true });
    expect((await api("GET", `/api/v1/apps/${app.name}/s3`)).body.data).toEqual(renamed.body.data);
  });

  it.each([
    [{ secret: "not-the-secret-at-all-0123456789" }, "s3_invalid_secret", "write"],
    [{ key: "AKIANOBODY" }, "s3_invalid_key", "write"],
    [{ bucket: "no-such-bucket" }, "s3_bucket_not_found", "write"],
    [{ endpoint: "http://127.0.0.1:9" }, "s3_unreachable", "write"],
  ])("refuses %j with a clear code and saves nothing", async (overrides, code, step) => {
    const app = await createApp();
    await api("PUT", `/api/v1/apps/${app.name}/s3`, { json: good() });
    const before = (await api("GET", `/api/v1/apps/${app.name}/s3`)).body.data;
    const refused = await api("PUT", `/api/v1/apps/${app.name}/s3`, { json: good({ ...overrides, prefix: "changed" }) });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code, details: { step } });
    expect((await api("GET", `/api/v1/apps/${app.name}/s3`)).body.data).toEqual(before);
  });

  it("says why an endpoint could not be reached in words of its own, never the runtime's", async () => {
    const app = await createApp();
    const refused = await api("PUT", `/api/v1/apps/${app.name}/s3`, { json: good({ endpoint: "http://127.0.0.1:9" }) });
    expect(refused.body.error.code).toBe("s3_unreachable");
    expect(refused.body.error.message).toBe("could not reach 127.0.0.1:9: the connection failed or was closed");
  });

  it.each(["https://203.0.113.5", "https://203.0.113.5:9000/", "http://[2001:db8::5]:9000"])(
    "refuses the IP-address endpoint %s with virtual-hosted addressing as a 400 naming forcePathStyle",
    async (endpoint) => {
      const app = await createApp();
      const refused = await api("PUT", `/api/v1/apps/${app.name}/s3`, { json: good({ endpoint, forcePathStyle: false }) });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe("validation_failed");
      expect(refused.body.error.details).toEqual([expect.objectContaining({ path: "forcePathStyle" })]);
      expect((await api("GET", `/api/v1/apps/${app.name}/s3`)).body.data.configured).toBe(false);
    },
  );

  it("needs both keys the first time, an endpoint for MinIO/R2/other, and confirmation for a public URL", async () => {
    const app = await createApp();
    expect((await api("PUT", `/api/v1/apps/${app.name}/s3`, { json: good({ secret: undefined }) })).status).toBe(400);
    expect((await api("PUT", `/api/v1/apps/${app.name}/s3`, { json: good({ endpoint: undefined }) })).status).toBe(400);
    expect((await api("PUT", `/api/v1/apps/${app.name}/s3`, { json: good({ bucket: "Bad_Bucket" }) })).status).toBe(400);
    const unconfirmed = await api("PUT", `/api/v1/apps/${app.name}/s3`, { json: good({ public_url: "https://cdn.example.com" }) });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.error.message).toContain("confirmPublic");
    const confirmed = await api("PUT", `/api/v1/apps/${app.name}/s3`, { json: good({ public_url: "https://cdn.example.com", confirmPublic: true }) });
    expect(confirmed.body.data).toMatchObject({ public_url: "https://cdn.example.com", publicVods: true, publicWarning: expect.any(String) });
  });
});

describe("S3 endpoints on the node's own network", () => {
  it("are refused unless STREAMHUB_S3_ALLOW_PRIVATE is on", async () => {
    const worker = (await import("../../../../index.ts")).default;
    const app = await createApp();
    const response = await worker.request(
      `/api/v1/apps/${app.name}/s3`,
      {
        method: "PUT",
        headers: { Authorization: `Bearer ${(env as any).STREAMHUB_API_TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify(good()),
        cf: { clientIp: "198.51.100.7:1" },
      } as RequestInit,
      { ...env, STREAMHUB_S3_ALLOW_PRIVATE: "0" },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe("s3_endpoint_private");
    expect((await api("GET", `/api/v1/apps/${app.name}/s3`)).body.data.configured).toBe(false);
  });
});
