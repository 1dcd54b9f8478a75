import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MetricsActor } from "./metrics-actor.ts";

const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

describe("MetricsActor", () => {
  it("keeps each app's last gauges and adds up its counts; stores them together within a second; a restarted actor reads them back", async () => {
    const stub = env.METRICS.get(env.METRICS.newUniqueId());
    await stub.report("a", "t", { streamhub_viewers: 2 }, { streamhub_recordings_started_total: 1 });
    await stub.report("a", "t", { streamhub_viewers: 3 }, { streamhub_recordings_started_total: 1 });
    await stub.report("b", "t", { streamhub_viewers: 1 }, {});
    const text = await stub.exposition();
    expect(text).toContain('streamhub_viewers{app="a",tenant="t"} 3\n');
    expect(text).toContain('streamhub_recordings_started_total{app="a",tenant="t"} 2\n');
    expect((await stub.totals("t")).numbers.viewers).toBe(4);
    expect((await stub.totals("other")).appsReporting).toBe(0);

    await settle();
    await runInDurableObject(stub, async (_instance: MetricsActor, state) => {
      const rows = state.storage.sql.exec("SELECT app, gauges_json, counters_json FROM app_series ORDER BY app").toArray();
      expect(rows).toEqual([
        { app: "a", gauges_json: '{"streamhub_viewers":3}', counters_json: '{"streamhub_recordings_started_total":2}' },
        { app: "b", gauges_json: '{"streamhub_viewers":1}', counters_json: "{}" },
      ]);
      const restarted = new MetricsActor(state, env);
      // Its constructor loads under blockConcurrencyWhile, which a direct call here does not wait for.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await restarted.exposition()).toBe(text);
    });
  });

  it("forgets a deleted app, in memory and on disk", async () => {
    const stub = env.METRICS.get(env.METRICS.newUniqueId());
    await stub.report("gone", "t", { streamhub_viewers: 1 }, {});
    await settle();
    await stub.forget("gone");
    expect(await stub.exposition()).not.toContain('app="gone"');
    await settle();
    await runInDurableObject(stub, async (_instance: MetricsActor, state) => {
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM app_series").one().n).toBe(0);
    });
  });

  it("adds the Workers' counts up and labels a tenant's series with the tenant", async () => {
    const stub = env.METRICS.get(env.METRICS.newUniqueId());
    await stub.addNodeCounts({ 'streamhub_http_requests_total{method="GET",route="/x",status="200"}': 2 });
    await stub.addNodeCounts({ 'streamhub_http_requests_total{method="GET",route="/x",status="200"}': 3 });
    await stub.reportTenant("acme", "ledger", { 'streamhub_tenant_quota{metric="maxApps"}': 2 });
    const text = await stub.exposition();
    expect(text).toContain('streamhub_http_requests_total{method="GET",route="/x",status="200"} 5\n');
    expect(text).toContain('streamhub_tenant_quota{tenant="acme",metric="maxApps"} 2\n');
  });
});
