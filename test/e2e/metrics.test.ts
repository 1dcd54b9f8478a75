// /metrics as an operator meets it: StreamHub started as `npm start` does, a
// stream live with two viewers through LiveKit's signed webhooks (the
// stand-in), a webhook endpoint receiving, a quota denial; the exposition
// checked by Debian's `promtool`, scraped by a real Prometheus on loopback,
// and the Grafana dashboards and alert rules of selfhost/observability checked
// against what it really emits.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../selfhost/build.ts";
import { freePort } from "../../selfhost/ports.ts";
import { LiveKitStandin } from "../livekit/standin.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../webhooks/receiver.ts";
import { call, removeDataDir, startStreamHub, until, type RunningStreamHub } from "./harness.ts";

const KEY = "APIe2emetrics";
const SECRET = "e2e-metrics-secret-0123456789abcdef0123456";
const TOKEN = "sk_metrics_e2e_token_0123456789abcdefghijklm";
const METRICS_TOKEN = "e2e-metrics-token-0123456789";
const OBSERVABILITY = join(ROOT, "selfhost/observability");

let standin: LiveKitStandin;
let node: RunningStreamHub;
let receiver: WebhookReceiver;
let prometheus: { url: string; process: ChildProcess; dir: string } | undefined;

const api = (method: string, path: string, json?: unknown, token = TOKEN) => call(node.url, method, path, { token, json });
const scrape = async () => {
  const response = await fetch(`${node.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
};

async function startPrometheus(target: string): Promise<{ url: string; process: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "streamhub-prometheus-"));
  const port = await freePort();
  writeFileSync(join(dir, "token"), METRICS_TOKEN, { mode: 0o600 });
  writeFileSync(
    join(dir, "prometheus.yml"),
    [
      "global: { scrape_interval: 1s, evaluation_interval: 1s }",
      `rule_files: [${JSON.stringify(join(OBSERVABILITY, "alerts.yml"))}]`,
      "scrape_configs:",
      "  - job_name: streamhub",
      `    authorization: { type: Bearer, credentials_file: ${JSON.stringify(join(dir, "token"))} }`,
      `    static_configs: [{ targets: [${JSON.stringify(target)}] }]`,
    ].join("\n"),
  );
  const child = spawn("prometheus", [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  await until("prometheus ready", () => fetch(`${url}/-/ready`).then((r) => r.ok, () => false), (ready) => ready, { timeoutMs: 30_000 });
  return { url, process: child, dir };
}

const promQuery = async (expr: string) => (await (await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };

beforeAll(async () => {
  standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET });
  const livekitUrl = await standin.listen();
  receiver = await startWebhookReceiver();
  node = await startStreamHub({ env: { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: livekitUrl, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET, METRICS_TOKEN, STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "1" } });
  standin.setWebhookUrl(`${node.url}/api/v1/webhooks/livekit`);

  // A tenant with room for one app, and its app, with a webhook endpoint.
  expect((await api("POST", "/api/v1/tenants", { id: "studio", name: "Studio", quotas: { maxApps: 1 } })).status).toBe(201);
  expect((await api("POST", "/api/v1/apps", { name: "live", tenantId: "studio" })).status).toBe(201);
  expect((await api("POST", "/api/v1/apps/live/webhooks", { url: `${receiver.url}/r/live`, events: ["stream_started", "stream_ended", "participant_joined"] })).status).toBe(201);
  // Its owner asks for a second app: a quota denial.
  expect((await api("POST", "/api/v1/users", { email: "owner@studio.test", password: "a-long-test-password-1", tenantId: "studio", role: "owner" })).status).toBe(201);
  const jwt = (await api("POST", "/api/v1/auth/login", { user: "owner@studio.test", password: "a-long-test-password-1" }, "")).body.data.token;
  expect((await api("POST", "/api/v1/apps", { name: "second" }, jwt)).status).toBe(429);

  // A stream with two viewers (and a QC participant, who is no viewer).
  const token = async (json: Record<string, unknown>) => (await api("POST", "/api/v1/apps/live/tokens", { room: "main", ...json })).body.data.token;
  await standin.join(await token({ identity: "host" }));
  await standin.publish("live-main", "host");
  await standin.join(await token({ identity: "fan-1", canPublish: false }));
  await standin.join(await token({ identity: "fan-2", canPublish: false }));
  await standin.join(await token({ identity: "qc", hidden: true }));
}, 120_000);

afterAll(async () => {
  if (prometheus) {
    prometheus.process.kill("SIGTERM");
    removeDataDir(prometheus.dir);
  }
  await node?.stop();
  if (node) removeDataDir(node.dataDir);
  await receiver?.close();
  await standin?.close();
});

let exposition = "";

describe("GET /metrics on a running node", () => {
  it("shows the live stream and its two viewers under the original StreamHub names, and passes promtool", async () => {
    // The app reports within about a second of a change; the Worker hands its HTTP counts over every 5 s.
    exposition = await until(
      "the app's report and the Worker's counts",
      scrape,
      (text) => /^streamhub_viewers\{app="live",tenant="studio"\} 2$/m.test(text) && /streamhub_callbacks_total\{[^}]*result="delivered"/.test(text) && /^streamhub_quota_denials_total\{/m.test(text),
      { timeoutMs: 20_000 },
    );
    for (const line of [
      'streamhub_active_streams{app="live",tenant="studio"} 1',
      'streamhub_viewers{app="live",tenant="studio"} 2',
      'streamhub_active_recordings{app="live",tenant="studio"} 0',
      'streamhub_stream_events_total{app="live",tenant="studio",event="stream_started"} 1',
      'streamhub_recordings_started_total{app="live",tenant="studio"} 0',
      'streamhub_storage_vod_count{app="live",tenant="studio"} 0',
      'streamhub_apps{tenant="studio"} 1',
      'streamhub_quota_denials_total{tenant="studio",metric="maxApps"} 1',
      "streamhub_livekit_up 1",
    ]) {
      expect(exposition.split("\n")).toContain(line);
    }
    expect(exposition).toMatch(/^streamhub_http_requests_total\{method="POST",route="\/api\/v1\/apps",status="429"\} 1$/m);
    expect(exposition).toMatch(/^streamhub_webhook_delivery_latency_seconds_count\{app="live",tenant="studio"\} [1-9]/m);
    // Labels per app and tenant, never per room or participant.
    expect(exposition).not.toMatch(/live-main|fan-1|room=/);

    // Parse errors exit 1; lint findings exit 3. The one finding allowed is the original's own name
    // streamhub_storage_vod_count, a gauge whose `_count` suffix the lint reserves for histograms.
    const check = spawnSync("promtool", ["check", "metrics"], { input: exposition, encoding: "utf8" });
    const findings = `${check.stdout}${check.stderr}`.trim().split("\n").filter(Boolean);
    expect(findings).toEqual(['streamhub_storage_vod_count non-histogram and non-summary metrics should not have "_count" suffix']);
    expect(check.status).toBe(3);
    const withoutIt = exposition.split("\n").filter((line) => !line.includes("streamhub_storage_vod_count")).join("\n");
    const clean = spawnSync("promtool", ["check", "metrics"], { input: withoutIt, encoding: "utf8" });
    expect(`${clean.stdout}${clean.stderr}`.trim()).toBe("");
    expect(clean.status).toBe(0);
  });

  it("is scraped by a real Prometheus on loopback", async () => {
    prometheus = await startPrometheus(new URL(node.url).host);
    const viewers = await until("Prometheus to have scraped", () => promQuery('streamhub_viewers{app="live"}'), (answer) => answer.data.result.length > 0, { timeoutMs: 30_000 });
    expect(viewers.data.result[0]!.metric).toMatchObject({ job: "streamhub", app: "live", tenant: "studio" });
    expect(viewers.data.result[0]!.value[1]).toBe("2");
    expect((await promQuery("up{job=\"streamhub\"}")).data.result[0]!.value[1]).toBe("1");
    expect((await promQuery("sum(streamhub_active_streams)")).data.result[0]!.value[1]).toBe("1");
  });
});

// ── The observability bundle ─────────────────────────────────────────────────

/** Series Prometheus itself makes for every target, not /metrics. */
const PROMETHEUS_OWN = new Set(["up"]);

interface Query {
  where: string;
  expr: string;
}

function dashboardQueries(): Query[] {
  const dir = join(OBSERVABILITY, "grafana");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .flatMap((file) => {
      const dashboard = JSON.parse(readFileSync(join(dir, file), "utf8")) as { panels: { title: string; targets: { expr: string }[] }[]; templating: { list: { name: string; query?: unknown }[] } };
      const panels = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ where: `${file}: ${panel.title}`, expr: target.expr })));
      // A template variable's label_values(metric, label) queries a series too.
      const variables = dashboard.templating.list
        .map((variable) => ({ name: variable.name, query: typeof variable.query === "object" ? (variable.query as { query: string }).query : variable.query }))
        .filter((variable): variable is { name: string; query: string } => typeof variable.query === "string" && variable.query.startsWith("label_values("))
        .map((variable) => ({ where: `${file}: $${variable.name}`, expr: variable.query.replace(/^label_values\(([^,]+),.*\)$/, "$1") }));
      return [...panels, ...variables];
    });
}

function ruleQueries(): Query[] {
  const text = readFileSync(join(OBSERVABILITY, "alerts.yml"), "utf8");
  return [...text.matchAll(/- alert: (\S+)\n\s+expr: (.+)/g)].map((match) => ({ where: `alerts.yml: ${match[1]}`, expr: match[2]!.trim() }));
}

/** Grafana's variables, as a value PromQL parses. */
const concrete = (expr: string) => expr.replaceAll("$__rate_interval", "1m").replace(/\$\{?(\w+)\}?/g, "live");

/** Metric names an expression selects (identifiers followed by `{`, `[`, `)`, an operator or the end, not functions or label names). */
function selectedSeries(expr: string): { name: string; labels: string[] }[] {
  const found: { name: string; labels: string[] }[] = [];
  const withoutGrouping = expr.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  for (const match of withoutGrouping.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?/g)) {
    const [, name, selector] = match;
    const after = withoutGrouping.slice(match.index! + match[0].length).trimStart();
    if (after.startsWith("(")) continue; // a function
    if (/^(sum|min|max|avg|count|topk|bottomk|rate|increase|histogram_quantile|and|or|unless|bool|offset)$/.test(name!)) continue;
    if (/^\d/.test(name!)) continue;
    const labels = [...(selector ?? "").matchAll(/([a-zA-Z_]\w*)\s*(=~|!~|!=|=)/g)].map((m) => m[1]!);
    found.push({ name: name!, labels });
  }
  return found;
}

describe("the observability bundle (selfhost/observability)", () => {
  const queries = [...dashboardQueries(), ...ruleQueries()];

  it("has dashboards for the node, one app and the webhooks, and alert rules", () => {
    expect(readdirSync(join(OBSERVABILITY, "grafana")).sort()).toEqual(["streamhub-app.json", "streamhub-global.json", "streamhub-webhooks.json"]);
    expect(ruleQueries().length).toBeGreaterThanOrEqual(8);
  });

  it("queries only series that /metrics emits, with labels those series have", () => {
    expect(exposition).not.toBe("");
    const emitted = new Map<string, Set<string>>();
    for (const line of exposition.split("\n")) {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
      if (!match) continue;
      const labels = emitted.get(match[1]!) ?? new Set<string>();
      for (const label of (match[2] ?? "").matchAll(/([a-zA-Z_]\w*)="/g)) labels.add(label[1]!);
      emitted.set(match[1]!, labels);
    }
    const missing: string[] = [];
    for (const query of queries) {
      for (const { name, labels } of selectedSeries(concrete(query.expr))) {
        if (PROMETHEUS_OWN.has(name)) continue;
        const known = emitted.get(name);
        if (!known) missing.push(`${query.where}: ${name} is not emitted`);
        else for (const label of labels) if (!known.has(label)) missing.push(`${query.where}: ${name} has no label ${label}`);
      }
    }
    expect(missing).toEqual([]);
    // The check itself sees what it should.
    expect(selectedSeries('sum by (le) (rate(streamhub_x_bucket{app="a"}[5m])) / up').map((s) => s.name)).toEqual(["streamhub_x_bucket", "up"]);
  });

  it("passes promtool check rules: the alert rules, and every dashboard query as a rule", () => {
    const rules = spawnSync("promtool", ["check", "rules", join(OBSERVABILITY, "alerts.yml")], { encoding: "utf8" });
    expect(rules.stdout + rules.stderr).toContain("SUCCESS");
    expect(rules.status).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), "streamhub-dashboard-rules-"));
    const file = join(dir, "dashboards.yml");
    const lines = ["groups:", "  - name: dashboards", "    rules:"];
    dashboardQueries().forEach((query, index) => lines.push(`      - record: dashboard_query_${index}`, `        expr: ${JSON.stringify(concrete(query.expr))}`));
    writeFileSync(file, `${lines.join("\n")}\n`);
    const dashboards = spawnSync("promtool", ["check", "rules", file], { encoding: "utf8" });
    removeDataDir(dir);
    expect(dashboards.stdout + dashboards.stderr).toContain("SUCCESS");
    expect(dashboards.status).toBe(0);
  });

  it("every query runs on the real Prometheus, and the live ones return the stream", async () => {
    expect(prometheus).toBeDefined();
    const failed: string[] = [];
    for (const query of queries) {
      const answer = await promQuery(concrete(query.expr));
      if (answer.status !== "success") failed.push(`${query.where}: ${answer.error}`);
    }
    expect(failed).toEqual([]);
    const rules = (await (await fetch(`${prometheus!.url}/api/v1/rules`)).json()) as { data: { groups: { rules: { health: string; name: string; lastError?: string }[] }[] } };
    const unhealthy = rules.data.groups.flatMap((group) => group.rules).filter((rule) => rule.health === "err");
    expect(unhealthy).toEqual([]);
  });
});
