// SSRF through a host name: with STREAMHUB_WEBHOOK_ALLOW_PRIVATE and
// STREAMHUB_S3_ALLOW_PRIVATE off, a URL whose *text* looks public but whose
// name resolves to loopback must not reach the service listening there. The
// URL check (core/net.ts isPrivateTarget) cannot see this; workerd's
// public-only network (selfhost/workerd.capnp "public-internet", bound as
// PUBLIC_NET) refuses the connection after resolving the name.
//
// The name is one that resolves to loopback through /etc/hosts without being
// a well-known private name: this machine's own host name where it does
// (Debian-style machines), else another loopback name /etc/hosts gives.
import { lookup } from "node:dns/promises";
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPrivateTarget } from "../../core/net.ts";
import { LiveKitStandin } from "../livekit/standin.ts";
import { call, removeDataDir, startStreamHub, tempDataDir, type RunningStreamHub } from "./harness.ts";

const KEY = "APIe2essrf";
const SECRET = "e2e-ssrf-secret-0123456789abcdef01234567";
const TOKEN = "sk_ssrf_e2e_token_0123456789abcdefghijklmn";
/** What the internal service would give away. */
const INTERNAL_SECRET = "INTERNAL-METADATA-SECRET-7f3a9c";

let standin: LiveKitStandin;
let internal: Server;
let internalPort: number;
const hits: string[] = [];
let node: RunningStreamHub;
let dataDir: string;
let name = hostname();

/** The first candidate that resolves to 127.x and that the URL text check lets through. */
async function loopbackAlias(): Promise<string> {
  const hosts = readFileSync("/etc/hosts", "utf8").split("\n").map((line) => line.replace(/#.*/, "").trim().split(/\s+/));
  const candidates = [hostname(), ...hosts.filter(([address]) => address?.startsWith("127.")).flatMap(([, ...names]) => names)];
  for (const candidate of candidates) {
    if (!candidate || candidate.includes("localhost")) continue;
    const resolved = await lookup(candidate, { family: 4 }).catch(() => null);
    if (resolved?.address.startsWith("127.") && !isPrivateTarget(`http://${candidate}/`)) return candidate;
  }
  return hostname();
}

beforeAll(async () => {
  name = await loopbackAlias();
  standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET });
  await standin.listen();
  // An "internal service" on loopback only: it answers anyone with the secret.
  internal = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    response.writeHead(200, { "Content-Type": "text/plain" }).end(INTERNAL_SECRET);
  });
  await new Promise<void>((resolve) => internal.listen(0, "127.0.0.1", resolve));
  internalPort = (internal.address() as { port: number }).port;
  dataDir = tempDataDir();
  node = await startStreamHub({
    dataDir,
    env: { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: standin.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET, STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "0", STREAMHUB_S3_ALLOW_PRIVATE: "0" },
  });
});
afterAll(async () => {
  await node?.stop();
  if (dataDir) removeDataDir(dataDir);
  await standin?.close();
  await new Promise((resolve) => internal?.close(resolve));
});

describe("a public-looking host name that resolves to loopback (private addresses not allowed)", () => {
  it("is what the test needs: the name resolves to 127.0.0.1, the text check lets it through, the service answers directly", async () => {
    expect((await lookup(name, { family: 4 })).address).toMatch(/^127\./);
    expect(isPrivateTarget(`http://${name}:${internalPort}/internal`)).toBe(false);
    expect(await (await fetch(`http://127.0.0.1:${internalPort}/direct`)).text()).toBe(INTERNAL_SECRET);
    hits.length = 0;
  });

  it("a webhook endpoint is saved (the text looks public) but its deliveries fail without reaching the service or recording its answer", async () => {
    expect((await call(node.url, "POST", "/api/v1/apps", { token: TOKEN, json: { name: "ssrf" } })).status).toBe(201);
    const created = await call(node.url, "POST", "/api/v1/apps/ssrf/webhooks", { token: TOKEN, json: { url: `http://${name}:${internalPort}/internal`, events: ["room_started"] } });
    expect(created.status).toBe(201);
    const endpointId = created.body.data.id as string;

    const sent = await call(node.url, "POST", `/api/v1/apps/ssrf/webhooks/${endpointId}/test`, { token: TOKEN });
    expect(sent.status).toBe(202);
    const deliveryId = sent.body.data.deliveryId as string;
    const delivery = await call(node.url, "GET", `/api/v1/apps/ssrf/webhooks/${endpointId}/deliveries/${deliveryId}`, { token: TOKEN });
    expect(delivery.status).toBe(200);
    const attempts = delivery.body.data.attemptLog as { status: number | null; error: string | null; response: string | null }[];
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    for (const attempt of attempts) {
      expect(attempt.status).toBeNull();
      expect(attempt.response).toBeNull();
      expect(attempt.error).toMatch(/only public addresses/);
      expect(attempt.error).not.toMatch(/internal error|reference =/);
    }
    expect(delivery.body.data.status).not.toBe("delivered");

    // Nowhere in what the API shows: the delivery, the delivery list, the endpoint.
    const everywhere = [
      delivery,
      await call(node.url, "GET", `/api/v1/apps/ssrf/webhooks/${endpointId}/deliveries`, { token: TOKEN }),
      await call(node.url, "GET", `/api/v1/apps/ssrf/webhooks/${endpointId}`, { token: TOKEN }),
      await call(node.url, "GET", `/api/v1/apps/ssrf/webhooks`, { token: TOKEN }),
    ];
    for (const response of everywhere) expect(JSON.stringify(response.body)).not.toContain(INTERNAL_SECRET);
    expect(hits).toEqual([]);
    expect(node.output()).not.toContain(INTERNAL_SECRET);
  });

  it("an S3 endpoint is refused by the save-time probe without reaching the service", async () => {
    const saved = await call(node.url, "PUT", "/api/v1/apps/ssrf/s3", {
      token: TOKEN,
      json: { provider: "minio", endpoint: `http://${name}:${internalPort}`, region: "us-east-1", bucket: "vods", prefix: "recordings/", key: "AKIAEXAMPLE", secret: "example-secret-0123456789" },
    });
    expect(saved.status).toBe(400);
    expect(saved.body.error.code).toBe("s3_unreachable");
    expect(saved.body.error.message).toMatch(/only public addresses/);
    expect(JSON.stringify(saved.body)).not.toContain(INTERNAL_SECRET);
    expect((await call(node.url, "GET", "/api/v1/apps/ssrf/s3", { token: TOKEN })).body.data.configured).toBe(false);
    expect(hits).toEqual([]);
  });
});
