import { metricsActor } from "../../core/actors.ts";
import { describeError, log } from "../../core/log.ts";
import { seriesKey, type Series } from "../../core/metrics.ts";
import { monthlyMetric } from "../app/livekit-events.ts";
import type { MetricUsage } from "../quota/ledger.repo.ts";
import type { QuotaMetric } from "../registry/plans.ts";

/** Who reports a tenant's numbers: its quota ledger (usage and limits) or the Registry (its apps). */
export type TenantSource = "ledger" | "registry";

/**
 * A tenant's usage and limits as gauges, both labelled with the quota's own
 * name (`metric="maxConcurrentStreams"`), so that `streamhub_tenant_usage /
 * streamhub_tenant_quota` divides series by series. Storage is in GB, as its
 * limit; monthly metrics are this month's. Apps are the Registry's to report.
 */
export function ledgerSeries(usage: Record<string, MetricUsage>, limits: Record<Exclude<QuotaMetric, "maxApps">, number> & { maxApps: number }, now = new Date()): Series {
  const used = (key: string) => (usage[key] ? usage[key].committed + usage[key].pending : 0);
  const series: Series = {
    [seriesKey("streamhub_tenant_usage", { metric: "maxConcurrentStreams" })]: used("maxConcurrentStreams"),
    [seriesKey("streamhub_tenant_usage", { metric: "maxRecordingMinutesMonth" })]: used(monthlyMetric("maxRecordingMinutesMonth", now)),
    [seriesKey("streamhub_tenant_usage", { metric: "maxEgressGbMonth" })]: used(monthlyMetric("maxEgressGbMonth", now)),
    [seriesKey("streamhub_tenant_usage", { metric: "maxStorageGb" })]: used("storageBytes") / 1e9,
  };
  for (const [metric, limit] of Object.entries(limits)) series[seriesKey("streamhub_tenant_quota", { metric })] = limit;
  return series;
}

/** The Registry's part: how many apps the tenant has (its `maxApps` usage). */
export const registrySeries = (apps: number): Series => ({ streamhub_apps: apps, [seriesKey("streamhub_tenant_usage", { metric: "maxApps" })]: apps });

/** Hands a tenant's numbers to the Metrics actor; a failure only leaves /metrics behind until the next change. */
export async function reportTenant(env: Env, tenant: string, source: TenantSource, series: Series): Promise<void> {
  try {
    await metricsActor(env).reportTenant(tenant, source, series);
  } catch (error) {
    log("warn", "could not report a tenant's numbers to the metrics actor", { tenant, source, ...describeError(error) });
  }
}
