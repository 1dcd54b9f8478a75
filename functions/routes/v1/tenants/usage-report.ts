import type { Tenant } from "../../../../durable/registry/tenants.repo.ts";
import { QUOTA_METRICS, type QuotaMetric } from "../../../../durable/registry/plans.ts";
import { monthlyMetric } from "../../../../durable/app/livekit-events.ts";
import { quotaLedger, registry } from "../../../../core/actors.ts";

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
 * enforced); streams, this month's recording minutes and egress, and stored
 * recording bytes come from the tenant's quota ledger (committed plus held
 * reservations). A metric is exceeded at `used >= limit`.
 */
export async function usageReport(env: Env, tenant: Tenant) {
  const [apps, ledger] = await Promise.all([registry(env).countTenantApps(tenant.id), quotaLedger(env, tenant.id).usage()]);
  const usage = { apps, concurrentStreams: 0, recordingMinutesMonth: 0, egressGbMonth: 0, storageGb: 0 };
  const used = (key: string) => (ledger[key] ? ledger[key].committed + ledger[key].pending : 0);
  usage.concurrentStreams = used("maxConcurrentStreams");
  usage.recordingMinutesMonth = used(monthlyMetric("maxRecordingMinutesMonth"));
  usage.egressGbMonth = used(monthlyMetric("maxEgressGbMonth"));
  // Recordings are counted in bytes; the limit is in GB.
  usage.storageGb = Math.round(used("storageBytes") / 1e3) / 1e6;
  const exceeded = Object.fromEntries(
    QUOTA_METRICS.map((metric) => {
      const limit = tenant.quotas[metric];
      return [metric, limit !== -1 && usage[USAGE_OF[metric]] >= limit];
    }),
  ) as Record<QuotaMetric, boolean>;
  return { tenantId: tenant.id, plan: tenant.plan, quotas: tenant.quotas, usage, exceeded };
}
