import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import app from "../index.ts";
import { api, createApp, createTenant, livekit } from "../testing.ts";

const METRICS_TOKEN = (env as unknown as Record<string, string>).METRICS_TOKEN!;

const scrape = (init: { token?: string | null; query?: string } = {}) =>
  api<string>("GET", `/metrics${init.query ?? ""}`, { token: init.token === undefined ? METRICS_TOKEN : init.token });

/** Scrapes until `line` shows (an app reports its numbers about a second after they change). */
const SCRAPE_WAIT_MS = 10_000;
/** For a test that waits for a flush twice: the workers project's 5 s default is less than one wait. */
const TWO_SCRAPE_WAITS = { timeout: 2 * SCRAPE_WAIT_MS + 5_000 };

async function scrapeUntil(line: RegExp, timeoutMs = SCRAPE_WAIT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await scrape();
    expect(status).toBe(200);
    if (line.test(body)) return body;
    if (Date.now() > deadline) throw new Error(`no ${line} in /metrics after ${timeoutMs} ms:\n${body}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("GET /metrics: who may scrape", () => {
  it("is a 404 while METRICS_TOKEN is unset, whatever is presented", async () => {
    const ctx = createExecutionContext();
    const request = new Request("http://streamhub.test/metrics", { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    const response = await app.fetch(request, { ...env, METRICS_TOKEN: "" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).error.code).toBe("not_found");
  });

  it("is a 403 without the token, with a wrong one, or with an API credential", async () => {
    const refused = [
      await scrape({ token: null }),
      await scrape({ token: `${METRICS_TOKEN}x` }),
      await scrape({ token: METRICS_TOKEN.slice(0, -1) }),
      await scrape({ token: null, query: "?token=wrong" }),
      // The bootstrap API token opens the API, not the metrics.
      await api("GET", "/metrics"),
    ];
    for (const { status, body } of refused) {
      expect(status).toBe(403);
      expect((body as any).error.code).toBe("forbidden");
    }
  });

  it("opens with the token as a bearer or as ?token=, in the Prometheus text format", async () => {
    const bearer = await scrape();
    expect(bearer.status).toBe(200);
    expect(bearer.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(bearer.body).toMatch(/^# HELP streamhub_build_info /m);
    expect(bearer.body).toMatch(/^streamhub_livekit_up 1$/m);
    const query = await scrape({ token: null, query: `?token=${encodeURIComponent(METRICS_TOKEN)}` });
    expect(query.status).toBe(200);
  });
});

describe("GET /metrics: what it shows", () => {
  it("a live stream and its two viewers under the original names, labelled by app and tenant (never by room)", TWO_SCRAPE_WAITS, async () => {
    const tenant = await createTenant();
    const { name } = await createApp(tenant.id);
    const publisher = (await api("POST", `/api/v1/apps/${name}/tokens`, { json: { room: "stage", identity: "host" } })).body.data;
    await livekit("join", { token: publisher.token });
    await livekit("publish", { room: publisher.room, identity: "host" });
    for (const viewer of ["fan-1", "fan-2"]) {
      await livekit("join", { token: (await api("POST", `/api/v1/apps/${name}/tokens`, { json: { room: "stage", identity: viewer, canPublish: false } })).body.data.token });
    }
    // A QC participant is no viewer.
    await livekit("join", { token: (await api("POST", `/api/v1/apps/${name}/tokens`, { json: { room: "stage", identity: "qc", hidden: true } })).body.data.token });

    const labels = `app="${name}",tenant="${tenant.id}"`;
    const body = await scrapeUntil(new RegExp(`^streamhub_viewers\\{${labels}\\} 2$`, "m"));
    expect(body).toMatch(new RegExp(`^streamhub_active_streams\\{${labels}\\} 1$`, "m"));
    expect(body).toMatch(new RegExp(`^streamhub_stream_events_total\\{${labels},event="stream_started"\\} 1$`, "m"));
    expect(body).toMatch(new RegExp(`^streamhub_publishers\\{${labels}\\} 1$`, "m"));
    expect(body).not.toContain("stage");
    // The tenant's usage against its free plan's limits, from its quota ledger and the Registry.
    const tenantBody = await scrapeUntil(new RegExp(`^streamhub_tenant_usage\\{tenant="${tenant.id}",metric="maxConcurrentStreams"\\} 1$`, "m"));
    expect(tenantBody).toMatch(new RegExp(`^streamhub_tenant_quota\\{tenant="${tenant.id}",metric="maxConcurrentStreams"\\} 2$`, "m"));
    expect(tenantBody).toMatch(new RegExp(`^streamhub_apps\\{tenant="${tenant.id}"\\} 1$`, "m"));
    expect(tenantBody).toMatch(new RegExp(`^streamhub_tenant_usage\\{tenant="${tenant.id}",metric="maxApps"\\} 1$`, "m"));

    await livekit("leave", { room: publisher.room, identity: "host" });
    const after = await scrapeUntil(new RegExp(`^streamhub_active_streams\\{${labels}\\} 0$`, "m"));
    expect(after).toMatch(new RegExp(`^streamhub_stream_events_total\\{${labels},event="stream_ended"\\} 1$`, "m"));
  });

  it("counts HTTP requests by route pattern, not by path, and a deleted app's series go", TWO_SCRAPE_WAITS, async () => {
    const { name } = await createApp();
    expect((await api("GET", `/api/v1/apps/${name}/streams`)).status).toBe(200);
    // A Worker hands its counts over every few seconds (after a request; the scrapes are requests too).
    const body = await scrapeUntil(/^streamhub_http_requests_total\{method="GET",route="\/api\/v1\/apps\/:app\/streams",status="200"\} \d+$/m);
    expect(body).toMatch(/^streamhub_http_request_duration_seconds_bucket\{method="GET",route="\/api\/v1\/apps\/:app\/streams",le="\+Inf"\} \d+$/m);
    expect(body).not.toContain(`/api/v1/apps/${name}/streams`);
    // One route, two methods: two series.
    expect((await api("GET", `/api/v1/apps/${name}`)).status).toBe(200);
    expect((await api("PATCH", `/api/v1/apps/${name}`, { json: { auditTokens: false } })).status).toBe(200);
    const byMethod = await scrapeUntil(/^streamhub_http_requests_total\{method="PATCH",route="\/api\/v1\/apps\/:app",status="200"\} [1-9]\d*$/m);
    expect(byMethod).toMatch(/^streamhub_http_requests_total\{method="GET",route="\/api\/v1\/apps\/:app",status="200"\} [1-9]\d*$/m);

    const publisher = (await api("POST", `/api/v1/apps/${name}/tokens`, { json: { room: "gone", identity: "host" } })).body.data;
    await livekit("join", { token: publisher.token });
    await livekit("publish", { room: publisher.room, identity: "host" });
    await scrapeUntil(new RegExp(`^streamhub_active_streams\\{app="${name}",`, "m"));
    expect((await api("DELETE", `/api/v1/apps/${name}`)).status).toBe(200);
    expect((await scrape()).body).not.toContain(`app="${name}"`);
  });
});
