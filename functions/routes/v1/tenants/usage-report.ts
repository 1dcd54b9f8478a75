import type { Tenant } from "../../../../durable/registry/tenants.repo.ts";
import { QUOTA_METRICS, type QuotaMetric } from "../../../../durable/registry/plans.ts";
import { quotaLedger, registry } from "../../../lib/actors.ts";

/** Which usage figure each quota limits. */
const USAGE_OF: Record<QuotaMetric, "apps" | "concurrentStreams" | "recordingMinutesMonth" | "egressGbMonth" | "storageGb"> = {
  maxApps: "apps",
  maxConcurrentStreams: "concurrentStreams",
  maxRecordingMinutesMonth: "recordingMinutesMonth",
  maxEgressGbMonth: "egressGbMonth",
  maxStorageGb: "storageGb",
};

/**
 * API.md `UsageReport`. Apps are counted in the Registry (where `maxApps` is
 * enforced); streams, recording and egress come from the tenant's quota ledger
 * (committed plus held reservations). A metric is exceeded at `used >= limit`.
 */
export async function usageReport(env: Env, tenant: Tenant) {
  const [apps, ledger] = await Promise.all([registry(env).countTenantApps(tenant.id), quotaLedger(env, tenant.id).usage()]);
  const usage = { apps, concurrentStreams: 0, recordingMinutesMonth: 0, egressGbMonth: 0, storageGb: 0 };
  for (const metric of QUOTA_METRICS) {
    if (metric === "maxApps") continue;
    const counted = ledger[metric];
    if (counted) usage[USAGE_OF[metric]] = counted.committed + counted.pending;
  }
  const exceeded = Object.fromEntries(
    QUOTA_METRICS.map((metric) => {
      const limit = tenant.quotas[metric];
      return [metric, limit !== -1 && usage[USAGE_OF[metric]] >= limit];
    }),
  ) as Record<QuotaMetric, boolean>;
  return { tenantId: tenant.id, plan: tenant.plan, quotas: tenant.quotas, usage, exceeded };
}
